/**
 * The loopback redirect listener (RFC 8252 §7.3) of `authserver connect`: 127.0.0.1 on a free
 * port or `--callback-port`. It stays open for the whole run, so a step-up authorization lands
 * on the same redirect URI; each result goes to whoever listens at that moment.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Callback {
  url: string;
  /** Called with the callback's query (code, or error and error_description). */
  onResult?: (params: URLSearchParams) => void;
  close(): void;
}

export class CallbackPortError extends Error {
  constructor(port: number, cause: string) {
    super(`cannot listen on 127.0.0.1:${port} for the OAuth callback (${cause}); pick another --callback-port, or leave it out for a free port`);
    this.name = 'CallbackPortError';
  }
}

export async function startCallback(port: number): Promise<Callback> {
  const cb: Callback = { url: '', close: () => server.close() };
  const server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (u.pathname !== '/callback') {
      res.writeHead(404).end();
      return;
    }
    const error = u.searchParams.get('error');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>AuthPlane</title><p>${error ? 'Authorization failed: ' + error.replace(/[<&]/g, '') : 'Authorized. You can close this tab.'}</p>`);
    cb.onResult?.(u.searchParams);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(new CallbackPortError(port, e.code ?? e.message)));
    server.listen(port, '127.0.0.1', resolve);
  });
  cb.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`;
  return cb;
}
