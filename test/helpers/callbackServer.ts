/** A loopback redirect target, standing in for a native MCP client's callback listener. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export async function startCallbackServer() {
  const hits: URL[] = [];
  let notify: Array<() => void> = [];
  const server = createServer((req, res) => {
    const u = new URL(req.url!, `http://${req.headers.host}`);
    if (u.pathname === '/callback') {
      hits.push(u);
      const n = notify;
      notify = [];
      n.forEach((f) => f());
    }
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>done</title><p>You can close this window.</p>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  /** Resolves with the first callback (past or future) whose `state` matches. */
  const forState = (state: string) =>
    new Promise<URL>((resolve) => {
      const check = () => {
        const hit = hits.find((h) => h.searchParams.get('state') === state);
        if (hit) resolve(hit);
        else notify.push(check);
      };
      check();
    });
  return { url: `http://127.0.0.1:${port}/callback`, hits, forState, close: () => new Promise<void>((r) => server.close(() => r())) };
}
