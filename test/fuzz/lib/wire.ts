/**
 * Requests on the wire, byte for byte: the fuzzer must be able to send what no HTTP client
 * would (invalid percent escapes and raw non-UTF-8 bytes in the target, lying Content-Length,
 * 3,000 headers, a body trickled one byte at a time). One TCP connection per request.
 */
import net from 'node:net';

export interface WireRequest {
  method: string;
  /** Request target as bytes (latin1 string: each char one byte). */
  target: string;
  headers: Array<[string, string]>;
  body?: Buffer;
  /** Send the body in pieces of this many bytes, `gapMs` apart (slow clients). */
  trickle?: { bytes: number; gapMs: number };
  /** Stop sending after this many body bytes and wait (a client that never finishes). */
  stallAfter?: number;
  /** Close the connection after sending this many body bytes (an aborted upload). */
  abortAfter?: number;
  /** Whole raw request instead of method/target/headers/body. */
  raw?: Buffer;
}

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** The server closed without answering (or we gave up after `timeoutMs`). */
  noAnswer?: 'closed' | 'timeout' | 'aborted-by-us';
  ms: number;
}

export function encodeRequest(r: WireRequest): Buffer {
  if (r.raw) return r.raw;
  const head = `${r.method} ${r.target} HTTP/1.1\r\n${r.headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), r.body ?? Buffer.alloc(0)]);
}

/** Parses one response from `buf`; undefined when incomplete. Skips 1xx interim responses. */
function parseResponse(buf: Buffer, ended: boolean, isHead: boolean): Omit<WireResponse, 'ms'> | undefined {
  let at = 0;
  for (;;) {
    const end = buf.indexOf('\r\n\r\n', at, 'latin1');
    if (end < 0) return undefined;
    const lines = buf.toString('latin1', at, end).split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
    if (!m) return { status: 0, headers: { 'x-parse-error': lines[0] ?? '' }, body: buf };
    const status = Number(m[1]);
    const headers: Record<string, string> = {};
    for (const l of lines.slice(1)) {
      const i = l.indexOf(':');
      if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
    }
    const bodyStart = end + 4;
    if (status >= 100 && status < 200) {
      at = bodyStart;
      continue;
    }
    if (isHead || status === 204 || status === 304) return { status, headers, body: Buffer.alloc(0) };
    if (headers['content-type']?.startsWith('text/event-stream')) return { status, headers, body: buf.subarray(bodyStart) };
    if (headers['content-length'] !== undefined) {
      const len = Number(headers['content-length']);
      if (buf.length - bodyStart < len) return undefined;
      return { status, headers, body: buf.subarray(bodyStart, bodyStart + len) };
    }
    if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
      const chunks: Buffer[] = [];
      let p = bodyStart;
      for (;;) {
        const nl = buf.indexOf('\r\n', p, 'latin1');
        if (nl < 0) return undefined;
        const size = parseInt(buf.toString('latin1', p, nl), 16);
        if (!Number.isFinite(size)) return { status, headers, body: buf.subarray(bodyStart) };
        if (size === 0) return { status, headers, body: Buffer.concat(chunks) };
        if (buf.length < nl + 2 + size + 2) return undefined;
        chunks.push(buf.subarray(nl + 2, nl + 2 + size));
        p = nl + 2 + size + 2;
      }
    }
    return ended ? { status, headers, body: buf.subarray(bodyStart) } : undefined;
  }
}

export function send(port: number, r: WireRequest, opts: { timeoutMs?: number; host?: string } = {}): Promise<WireResponse> {
  const t0 = Date.now();
  const isHead = r.method === 'HEAD';
  return new Promise((resolve) => {
    const sock = net.connect(port, opts.host ?? '127.0.0.1');
    let buf = Buffer.alloc(0);
    let done = false;
    const finish = (res: Omit<WireResponse, 'ms'>) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve({ ...res, ms: Date.now() - t0 });
    };
    const timer = setTimeout(() => finish(parseResponse(buf, true, isHead) ?? { status: 0, headers: {}, body: buf, noAnswer: 'timeout' }), opts.timeoutMs ?? 10_000);
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const res = parseResponse(buf, false, isHead);
      if (res) finish(res);
    });
    const onEnd = () => finish(parseResponse(buf, true, isHead) ?? { status: 0, headers: {}, body: buf, noAnswer: 'closed' });
    sock.on('end', onEnd);
    sock.on('close', onEnd);
    sock.on('error', onEnd);
    sock.on('connect', async () => {
      const bytes = encodeRequest(r);
      const head = r.raw ? bytes.length : bytes.length - (r.body?.length ?? 0);
      const limit = r.abortAfter ?? r.stallAfter;
      if (!r.trickle && limit === undefined) {
        sock.write(bytes);
        return;
      }
      sock.write(bytes.subarray(0, head));
      const body = bytes.subarray(head, limit === undefined ? bytes.length : head + limit);
      const step = r.trickle?.bytes ?? body.length;
      for (let i = 0; i < body.length && !done && !sock.destroyed; i += step) {
        sock.write(body.subarray(i, i + step));
        if (r.trickle) await new Promise((res) => setTimeout(res, r.trickle!.gapMs));
      }
      if (r.abortAfter !== undefined) finish({ status: 0, headers: {}, body: buf, noAnswer: 'aborted-by-us' });
    });
  });
}
