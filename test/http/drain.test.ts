/**
 * An oversized (or unread) body still gets an answer the client can read (issue 10 item 10). The
 * server used to answer and close at once while the client was still sending: the client saw a
 * reset instead of the 413. Each attack here sends part of the body, waits for the answer, then
 * sends the rest, as a client writing a large body does, and checks the connection ends cleanly.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRAIN_LIMITS } from '../../server/http/drain';
import { seedSingleMcp, startTestServer, type TestServer } from '../helpers/server';

interface Exchange {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The socket error the client saw, if any (ECONNRESET, EPIPE). */
  error?: string;
  /** The server half-closed (FIN) before the connection closed. */
  serverEnded: boolean;
  /** Body bytes written after the answer arrived, before the connection closed. */
  writtenAfter: number;
}

function parse(buf: Buffer): Omit<Exchange, 'error' | 'serverEnded' | 'writtenAfter'> | undefined {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine, ...lines] = buf.toString('latin1', 0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const l of lines) headers[l.slice(0, l.indexOf(':')).toLowerCase()] = l.slice(l.indexOf(':') + 1).trim();
  const len = Number(headers['content-length']);
  if (buf.length < end + 4 + len) return undefined;
  return { status: Number(statusLine!.split(' ')[1]), headers, body: buf.toString('utf8', end + 4, end + 4 + len) };
}

/**
 * Sends `head` and the first `before` bytes of `body`, waits for the whole answer, then sends the
 * rest of the body (with backpressure) and ends (unless `end: false`); resolves when the connection has closed.
 */
function exchange(port: number, head: string, body: Buffer, before: number, opts: { end?: boolean } = {}): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    let buf = Buffer.alloc(0);
    let answer: ReturnType<typeof parse>;
    let error: string | undefined;
    let serverEnded = false;
    let writtenAfter = 0;
    const sendRest = async () => {
      for (let at = before; at < body.length && !sock.destroyed; at += 64 * 1024) {
        const piece = body.subarray(at, at + 64 * 1024);
        if (!sock.write(piece)) await new Promise((r) => (sock.once('drain', r), sock.once('close', r)));
        if (!sock.destroyed) writtenAfter += piece.length;
      }
      if (!sock.destroyed && opts.end !== false) sock.end();
    };
    sock.on('data', (d: Buffer) => {
      if (answer) return;
      buf = Buffer.concat([buf, d]);
      answer = parse(buf);
      if (answer) void sendRest();
    });
    sock.on('end', () => {
      serverEnded = true;
      // Not ending our side keeps the socket half-open: the answer is all there is to wait for.
      if (opts.end === false && answer) {
        resolve({ ...answer, error, serverEnded, writtenAfter });
        sock.destroy();
      }
    });
    sock.on('error', (e: NodeJS.ErrnoException) => (error ??= e.code ?? e.message));
    sock.on('close', () => (answer ? resolve({ ...answer, error, serverEnded, writtenAfter }) : reject(new Error(`no answer (${error ?? 'closed'}): ${buf.toString('latin1').slice(0, 200)}`))));
    sock.write(Buffer.concat([Buffer.from(head, 'latin1'), body.subarray(0, before)]));
  });
}

function chunked(data: Buffer, size = 16 * 1024): Buffer {
  const parts: Buffer[] = [];
  for (let at = 0; at < data.length; at += size) {
    const c = data.subarray(at, at + size);
    parts.push(Buffer.from(`${c.length.toString(16)}\r\n`), c, Buffer.from('\r\n'));
  }
  return Buffer.concat([...parts, Buffer.from('0\r\n\r\n')]);
}

let s: TestServer;
let host: string;
beforeAll(async () => {
  s = await startTestServer({ consent: 'prompt' });
  await seedSingleMcp(s);
  host = `127.0.0.1:${s.port}`;
});
afterAll(() => s?.stop());

const JSON_1_1_MB = Buffer.from(JSON.stringify({ sub: 'a'.repeat(1_100_000) }));
const FORM_70_KB = Buffer.from(`grant_type=${'a'.repeat(70_000)}`);
const head = (line: string, headers: string[]) => `${line} HTTP/1.1\r\nHost: ${'{host}'}\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n`;
const withHost = (h: string) => h.replace('{host}', host);

/** The answer arrived whole, said `Connection: close`, and the connection then ended without a reset. */
function expectReadableClose(x: Exchange, bodySent: number) {
  expect(x.headers.connection).toBe('close');
  expect(x.error).toBeUndefined();
  expect(x.serverEnded).toBe(true);
  // The rest of the body was taken (drained), not refused.
  expect(x.writtenAfter).toBe(bodySent);
}

describe('an answer sent before the body has arrived is readable, on every path', () => {
  it('Koa, declared 1.1 MB JSON on POST /admin/api/users: 413', async () => {
    const x = await exchange(s.port, withHost(head('POST /admin/api/users', [`Authorization: Bearer ${s.adminToken}`, 'Content-Type: application/json', `Content-Length: ${JSON_1_1_MB.length}`])), JSON_1_1_MB, 256 * 1024);
    expect(x.status).toBe(413);
    expect(JSON.parse(x.body)).toMatchObject({ error: 'invalid_request', error_description: 'request body is larger than 1048576 bytes', status: 413 });
    expectReadableClose(x, JSON_1_1_MB.length - 256 * 1024);
  });

  it('Koa, declared 1.1 MB JSON on POST /admin/api/clients, sent with `Connection: close`: 413', async () => {
    const x = await exchange(s.port, withHost(head('POST /admin/api/clients', [`Authorization: Bearer ${s.adminToken}`, 'Connection: close', 'Content-Type: application/json', `Content-Length: ${JSON_1_1_MB.length}`])), JSON_1_1_MB, 256 * 1024);
    expect(x.status).toBe(413);
    expect(JSON.parse(x.body)).toMatchObject({ error: 'invalid_request', error_description: 'request body is larger than 1048576 bytes' });
    expectReadableClose(x, JSON_1_1_MB.length - 256 * 1024);
  });

  it('Koa, a body nobody reads (DELETE /admin/api/resources/nope with 1.1 MB): 404', async () => {
    const x = await exchange(s.port, withHost(head('DELETE /admin/api/resources/nope', [`Authorization: Bearer ${s.adminToken}`, 'Content-Type: application/json', `Content-Length: ${JSON_1_1_MB.length}`])), JSON_1_1_MB, 256 * 1024);
    expect(x.status).toBe(404);
    expect(JSON.parse(x.body)).toMatchObject({ error: 'not_found' });
    expectReadableClose(x, JSON_1_1_MB.length - 256 * 1024);
  });

  it('Koa, a body refused before reading (no admin token): 401', async () => {
    const x = await exchange(s.port, withHost(head('POST /admin/api/users', ['Content-Type: application/json', `Content-Length: ${JSON_1_1_MB.length}`])), JSON_1_1_MB, 256 * 1024);
    expect(x.status).toBe(401);
    expectReadableClose(x, JSON_1_1_MB.length - 256 * 1024);
  });

  it('Koa, the consent POST with a 70 KB form: the 413 page', async () => {
    const form = Buffer.from(`interaction=x&csrf=${'a'.repeat(70_000)}`);
    const x = await exchange(s.port, withHost(head('POST /consent', ['Accept: text/html', 'Content-Type: application/x-www-form-urlencoded', `Content-Length: ${form.length}`])), form, 16 * 1024);
    expect(x.status).toBe(413);
    expect(x.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(x.body).toContain('request body is larger than 65536 bytes');
    expect(x.headers['x-frame-options']).toBe('DENY');
    expectReadableClose(x, form.length - 16 * 1024);
  });

  it('public route, declared 70 KB form on POST /oauth/token: 413', async () => {
    const x = await exchange(s.port, withHost(head('POST /oauth/token', ['Content-Type: application/x-www-form-urlencoded', `Content-Length: ${FORM_70_KB.length}`])), FORM_70_KB, 16 * 1024);
    expect(x.status).toBe(413);
    expect(JSON.parse(x.body)).toEqual({ error: 'invalid_request', error_description: 'request body is larger than 65536 bytes', status: 413, title: 'Payload Too Large' });
    expectReadableClose(x, FORM_70_KB.length - 16 * 1024);
  });

  it('public route, declared 70 KB form on POST /oauth/authorize: 413', async () => {
    const x = await exchange(s.port, withHost(head('POST /oauth/authorize', ['Content-Type: application/x-www-form-urlencoded', `Content-Length: ${FORM_70_KB.length}`])), FORM_70_KB, 16 * 1024);
    expect(x.status).toBe(413);
    expect(JSON.parse(x.body)).toMatchObject({ error: 'invalid_request', error_description: 'request body is larger than 65536 bytes' });
    expectReadableClose(x, FORM_70_KB.length - 16 * 1024);
  });

  it('public route, a 2 MB chunked body on POST /oauth/token (refused while streaming): 413', async () => {
    const body = chunked(Buffer.alloc(2_000_000, 0x61));
    const x = await exchange(s.port, withHost(head('POST /oauth/token', ['Content-Type: application/x-www-form-urlencoded', 'Transfer-Encoding: chunked'])), body, 128 * 1024);
    expect(x.status).toBe(413);
    expect(JSON.parse(x.body)).toMatchObject({ error: 'invalid_request', error_description: 'request body is larger than 65536 bytes' });
    expectReadableClose(x, body.length - 128 * 1024);
  });

  it('Koa, a 2 MB chunked body on POST /admin/api/users (refused while streaming): 413', async () => {
    const body = chunked(Buffer.alloc(2_000_000, 0x61));
    const x = await exchange(s.port, withHost(head('POST /admin/api/users', [`Authorization: Bearer ${s.adminToken}`, 'Content-Type: application/json', 'Transfer-Encoding: chunked'])), body, 1200 * 1024);
    expect(x.status).toBe(413);
    expect(JSON.parse(x.body)).toMatchObject({ error: 'invalid_request', error_description: 'request body is larger than 1048576 bytes' });
    expectReadableClose(x, body.length - 1200 * 1024);
  });

  it('a real client (fetch) posting 1.1 MB reads the 413', async () => {
    const res = await s.admin('/users', { method: 'POST', body: JSON_1_1_MB });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: 'invalid_request', error_description: 'request body is larger than 1048576 bytes' });
  });
});

describe('the drain is bounded', () => {
  it(`stops reading after ${DRAIN_LIMITS.bytes / 1024 / 1024} MB: the answer first, then the server closes`, async () => {
    const body = Buffer.alloc(DRAIN_LIMITS.bytes * 3, 0x61);
    const x = await exchange(s.port, withHost(head('POST /oauth/token', ['Content-Type: application/x-www-form-urlencoded', 'Content-Length: 10000000000'])), body, 0);
    expect(x.status).toBe(413);
    expect(x.headers.connection).toBe('close');
    // Closed by the server before the client got through its 12 MB.
    expect(x.writtenAfter).toBeLessThan(body.length);
  });

  it('closes a connection whose announced body never comes', async () => {
    const x = await exchange(s.port, withHost(head('POST /admin/api/users', [`Authorization: Bearer ${s.adminToken}`, 'Content-Type: application/json', 'Content-Length: 10000000000'])), Buffer.alloc(0), 0, { end: false });
    expect(x.status).toBe(413);
    expect(x.headers.connection).toBe('close');
    expect(x.serverEnded).toBe(true);
    // The server lets go of the socket (after DRAIN_LIMITS.ms), though the client never closes it.
    const open = () => new Promise<number>((r) => s.http.getConnections((_e, n) => r(n)));
    while ((await open()) > 0) await new Promise((r) => setTimeout(r, 50));
  }, 60_000);
});

describe('complete bodies keep the connection alive', () => {
  it('a token request whose body was read answers keep-alive', async () => {
    const form = Buffer.from('grant_type=authorization_code&code=nope&client_id=my-agent&code_verifier=' + 'a'.repeat(43));
    const x = await exchange(s.port, withHost(head('POST /oauth/token', ['Content-Type: application/x-www-form-urlencoded', `Content-Length: ${form.length}`])).replace('\r\n\r\n', '\r\n\r\n'), form, form.length);
    expect(x.status).toBe(400);
    expect(JSON.parse(x.body)).toMatchObject({ error: 'invalid_grant' });
    expect(x.headers.connection).toBe('keep-alive');
  });
});
