/**
 * A hostile document server on 127.0.0.1 for fetch-limit tests: each route misbehaves one way
 * (oversized, endless, compressed, redirecting, silent, dribbling). It records the headers it
 * was sent and when the client hung up.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gzipSync } from 'node:zlib';

export type Route = (req: IncomingMessage, res: ServerResponse, origin: string) => void;

interface Visit {
  headers: IncomingHttpHeaders;
  /** Resolves when the response's connection closed (the client hung up or it ended). */
  closed: Promise<void>;
}

export interface HostileServer {
  origin: string;
  /** The last request on the path, once it has arrived. */
  visit(path: string): Promise<Visit>;
  hits(path: string): number;
  close(): Promise<void>;
}

const CHUNK = Buffer.alloc(16 * 1024, 0x20);

/** Writes 16 KB chunks until the client goes away: only a client-side cap ends it. */
export function endless(res: ServerResponse): void {
  const pump = () => {
    while (!res.destroyed) if (!res.write(CHUNK)) return void res.once('drain', pump);
  };
  pump();
}

/** A gzip stream that inflates to `inflated` bytes of spaces (a compression bomb). */
export function gzipBomb(inflated: number): Buffer {
  return gzipSync(Buffer.alloc(inflated, 0x20), { level: 9 });
}

export async function startHostileServer(routes: Record<string, Route>): Promise<HostileServer> {
  const visits = new Map<string, Visit>();
  const counts = new Map<string, number>();
  const waiters = new Map<string, Array<(v: Visit) => void>>();
  const sockets = new Set<Socket>();
  let origin = '';
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const visit: Visit = { headers: req.headers, closed: new Promise((r) => res.once('close', () => r())) };
    visits.set(path, visit);
    counts.set(path, (counts.get(path) ?? 0) + 1);
    for (const w of waiters.get(path) ?? []) w(visit);
    waiters.delete(path);
    const route = routes[path];
    if (route) route(req, res, origin);
    else res.writeHead(404).end();
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    visit: (path) => {
      const v = visits.get(path);
      return v ? Promise.resolve(v) : new Promise((r) => waiters.set(path, [...(waiters.get(path) ?? []), r]));
    },
    hits: (path) => counts.get(path) ?? 0,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
