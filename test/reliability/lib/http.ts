/**
 * A minimal HTTP client over node:http for the reliability and fuzz suites. Unlike fetch it
 * sends exactly what it is given (any Host, raw bytes, odd methods) and never retries, so a
 * killed server shows up as an error instead of being papered over.
 */
import http from 'node:http';
import net from 'node:net';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
  agent?: http.Agent | false;
  timeoutMs?: number;
}

/** One request; rejects on any socket error (ECONNREFUSED, reset by a kill, timeout). */
export function request(url: string, opts: RequestOptions = {}): Promise<RawResponse> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | string[]> = { ...(opts.headers ?? {}) };
    if (opts.body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length' || h.toLowerCase() === 'transfer-encoding')) {
      headers['content-length'] = String(Buffer.byteLength(opts.body));
    }
    const req = http.request(
      { host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port, path: u.pathname + u.search, method: opts.method ?? 'GET', headers, agent: opts.agent ?? false, setHost: !Object.keys(headers).some((h) => h.toLowerCase() === 'host') },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
        });
      },
    );
    req.on('error', reject);
    if (opts.timeoutMs) req.setTimeout(opts.timeoutMs, () => req.destroy(Object.assign(new Error(`timed out after ${opts.timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    if (opts.body !== undefined) req.end(opts.body);
    else req.end();
  });
}

/** Sends raw bytes on a fresh TCP connection and collects everything until the server closes (or `timeoutMs`). */
export function rawExchange(port: number, chunks: Array<string | Buffer>, opts: { host?: string; gapMs?: number; timeoutMs?: number } = {}): Promise<{ data: string; closedByServer: boolean; ms: number }> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const sock = net.connect(port, opts.host ?? '127.0.0.1');
    let data = '';
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (closedByServer: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve({ data, closedByServer, ms: Date.now() - t0 });
    };
    sock.setEncoding('latin1');
    sock.on('data', (d: string) => (data += d));
    sock.on('close', () => finish(true));
    sock.on('error', () => finish(true));
    timer = setTimeout(() => finish(false), opts.timeoutMs ?? 10_000);
    sock.on('connect', async () => {
      for (const c of chunks) {
        if (done || sock.destroyed) return;
        sock.write(c);
        if (opts.gapMs) await new Promise((r) => setTimeout(r, opts.gapMs));
      }
    });
  });
}

/** A port that was free a moment ago on 127.0.0.1. */
export { freePort } from '../../helpers/ports';

export const form = (params: Record<string, string>): string => new URLSearchParams(params).toString();

export function decodeJwtPayload(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}
