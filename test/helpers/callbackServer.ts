/** A loopback redirect target, standing in for a native MCP client's callback listener. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export async function startCallbackServer() {
  const hits: URL[] = [];
  const waiters: Array<(u: URL) => void> = [];
  const server = createServer((req, res) => {
    const u = new URL(req.url!, `http://${req.headers.host}`);
    if (u.pathname === '/callback') {
      hits.push(u);
      waiters.splice(0).forEach((w) => w(u));
    }
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>done</title><p>You can close this window.</p>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/callback`,
    hits,
    /** The next callback hit (one already received counts). */
    next: () =>
      new Promise<URL>((resolve) => {
        if (hits.length) return resolve(hits.shift()!);
        waiters.push(() => resolve(hits.shift()!));
      }),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
