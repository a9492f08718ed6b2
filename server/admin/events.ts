/**
 * GET /admin/api/events: every AppEvent as Server-Sent Events (`event: <type>`, `data: <AppEvent
 * JSON>`), with a comment heartbeat every 15 s so idle proxies and sockets stay open.
 *
 * Events are written in batches, at most every FLUSH_MS: under a load test the server logs
 * thousands of requests a second, and one socket write per event would cost the server a syscall
 * each and the window a render each; a batch is one write and one chunk the window handles in one
 * task. Order is kept and nothing is dropped.
 *
 * Streams never hold the server open: each one is tracked and ended by `closeEventStreams()`
 * (called by the router's owner on shutdown), and the heartbeat timer is unref'd.
 */
import { PassThrough } from 'node:stream';
import type { Routes } from '../http/routes';
import type { AppEvent } from '../contracts';
import type { Services } from '../domain/services';
import { noQuery } from './query';

export const HEARTBEAT_MS = 15_000;
/** How long an event may wait for others to share its write (a consent prompt shows up this much later at most). */
export const FLUSH_MS = 20;

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

export function eventRoutes(router: Routes, s: Services, heartbeatMs = HEARTBEAT_MS): void {
  router.get('/events', noQuery, (ctx) => {
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
    let pending = '';
    let timer: NodeJS.Timeout | undefined;
    const flush = () => {
      timer = undefined;
      const chunk = pending;
      pending = '';
      if (chunk) write(chunk);
    };
    const unsubscribe = s.deps.events.subscribe((e) => {
      pending += formatEvent(e);
      timer ??= setTimeout(flush, FLUSH_MS);
    });
    const heartbeat = setInterval(() => write(`: heartbeat ${new Date(s.deps.clock.now()).toISOString()}\n\n`), heartbeatMs);
    heartbeat.unref();
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      clearTimeout(timer);
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
