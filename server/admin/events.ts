/**
 * GET /admin/api/events: every AppEvent as Server-Sent Events (`event: <type>`, `data: <AppEvent
 * JSON>`), with a comment heartbeat every 15 s so idle proxies and sockets stay open.
 *
 * Streams never hold the server open: each one is tracked and ended by `closeEventStreams()`
 * (called by the router's owner on shutdown), and the heartbeat timer is unref'd.
 */
import { PassThrough } from 'node:stream';
import type Router from '@koa/router';
import type { AppEvent } from '../contracts';
import type { Services } from '../domain/services';

export const HEARTBEAT_MS = 15_000;

/** Open streams per Services instance, so a shutdown ends exactly its own streams. */
const open = new WeakMap<Services, Set<() => void>>();

/** Ends every open event stream of this server (idempotent). */
export function closeEventStreams(s: Services): void {
  const set = open.get(s);
  if (!set) return;
  for (const end of [...set]) end();
}

export function formatEvent(e: AppEvent): string {
  return `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`;
}

export function eventRoutes(router: Router, s: Services, heartbeatMs = HEARTBEAT_MS): void {
  router.get('/events', (ctx) => {
    const socket = ctx.req.socket;
    socket.setTimeout(0);
    socket.setNoDelay(true);
    socket.setKeepAlive(true);

    const stream = new PassThrough();
    let streams = open.get(s);
    if (!streams) open.set(s, (streams = new Set()));
    const write = (chunk: string) => {
      if (!stream.writableEnded && !stream.destroyed) stream.write(chunk);
    };
    const unsubscribe = s.deps.events.subscribe((e) => write(formatEvent(e)));
    const heartbeat = setInterval(() => write(`: heartbeat ${new Date(s.deps.clock.now()).toISOString()}\n\n`), heartbeatMs);
    heartbeat.unref();
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      unsubscribe();
      streams!.delete(end);
      if (!stream.writableEnded) stream.end();
      // The response may still be keeping the socket alive: let the server close it.
      if (!ctx.res.writableEnded) ctx.res.end();
    };
    streams.add(end);
    ctx.req.on('close', end);
    ctx.res.on('close', end);
    stream.on('error', end);

    ctx.status = 200;
    ctx.type = 'text/event-stream';
    ctx.set('Cache-Control', 'no-store');
    ctx.set('Connection', 'keep-alive');
    ctx.set('X-Accel-Buffering', 'no');
    ctx.body = stream;
    // Sends the headers at once and tells EventSource how soon to reconnect.
    write('retry: 2000\n: connected\n\n');
  });
}
