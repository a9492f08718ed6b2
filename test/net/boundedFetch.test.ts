/**
 * The one bounded fetch, with the runtime's own fetch (the path the SDK, the doctor and the UI's
 * PRM check take) against a hostile document server on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BoundedFetchError, boundedFetch, boundedFetchAsFetch, type BoundedFetchOptions } from '../../server/net/boundedFetch';
import { endless, gzipBomb, startHostileServer, type HostileServer } from './hostileServer';

const CAP = 64 * 1024;
let docs: HostileServer;
const held: Array<() => void> = [];

beforeAll(async () => {
  docs = await startHostileServer({
    '/ok': (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'),
    '/declared': (_req, res) => {
      res.writeHead(200, { 'content-length': String(300 * 1024 * 1024) });
      res.write('{');
    },
    '/endless': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      endless(res);
    },
    '/bomb': (_req, res) => {
      const body = gzipBomb(64 * 1024 * 1024);
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': String(body.length) }).end(body);
    },
    '/redirect': (_req, res) => res.writeHead(301, { location: '/ok' }).end(),
    '/silent': (_req, res) => held.push(() => res.destroy()),
    '/dribble': (_req, res) => {
      res.writeHead(200);
      const t = setInterval(() => res.write(' '), 50);
      res.once('close', () => clearInterval(t));
    },
    '/form': (req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (d: string) => (body += d));
      req.on('end', () => res.writeHead(201, { 'content-type': 'text/plain', 'x-seen': `${req.method} ${req.headers['content-type']} ${req.headers.accept}` }).end(body));
    },
    '/empty': (_req, res) => res.writeHead(204).end(),
    '/breaks': (_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('0123456789', () => res.destroy());
    },
  });
});

afterAll(async () => {
  for (const h of held) h();
  await docs.close();
});

const opts = (over: Partial<BoundedFetchOptions> = {}): BoundedFetchOptions => ({ maxBytes: CAP, timeoutMs: 10_000, ...over });

async function failure(url: string, o: BoundedFetchOptions): Promise<{ kind: string; detail: string }> {
  const err = await boundedFetch(url, o).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BoundedFetchError);
  const e = err as BoundedFetchError;
  expect(e.message).toBe(`${url} ${e.detail}`);
  return { kind: e.kind, detail: e.detail };
}

describe('boundedFetch', () => {
  it('reads a small document, asking for identity encoding and JSON', async () => {
    const res = await boundedFetch(`${docs.origin}/ok`, opts());
    expect([res.status, res.text, res.truncated]).toEqual([200, '{"ok":true}', false]);
    const seen = (await docs.visit('/ok')).headers;
    expect([seen['accept-encoding'], seen.accept]).toEqual(['identity', 'application/json']);
  });

  it('refuses a Content-Length over the cap before reading', async () => {
    expect(await failure(`${docs.origin}/declared`, opts())).toEqual({ kind: 'too_large', detail: 'is 314572800 bytes, more than the 64 KB limit' });
    await (await docs.visit('/declared')).closed;
  });

  it('stops an endless chunked body at the cap and hangs up', async () => {
    expect(await failure(`${docs.origin}/endless`, opts())).toEqual({ kind: 'too_large', detail: 'is larger than the 64 KB limit' });
    await (await docs.visit('/endless')).closed;
  });

  it('caps the inflated bytes of a gzip bomb sent despite identity, or refuses it outright', async () => {
    expect(await failure(`${docs.origin}/bomb`, opts())).toEqual({ kind: 'too_large', detail: 'is larger than the 64 KB limit' });
    expect(await failure(`${docs.origin}/bomb`, opts({ identityOnly: true }))).toEqual({ kind: 'encoded', detail: 'was sent gzip-encoded although identity was requested; compressed documents are refused' });
  });

  it('hands a redirect back unfollowed, or refuses it', async () => {
    const before = docs.hits('/ok');
    const res = await boundedFetch(`${docs.origin}/redirect`, opts());
    expect([res.status, res.headers.get('location')]).toEqual([301, '/ok']);
    expect(await failure(`${docs.origin}/redirect`, opts({ redirect: 'error' }))).toEqual({ kind: 'redirect', detail: 'redirects (HTTP 301 to /ok); redirects are not followed' });
    expect(docs.hits('/ok')).toBe(before);
  });

  it('times out a server that never answers', async () => {
    expect(await failure(`${docs.origin}/silent`, opts({ timeoutMs: 500 }))).toEqual({ kind: 'timeout', detail: 'did not answer in full within 0.5 s' });
  });

  it('times out a body that dribbles under the cap, with the same deadline', async () => {
    expect(await failure(`${docs.origin}/dribble`, opts({ timeoutMs: 500 }))).toEqual({ kind: 'timeout', detail: 'did not answer in full within 0.5 s' });
    await (await docs.visit('/dribble')).closed;
  });

  it('times out even when the fetch implementation ignores the abort signal', async () => {
    const stuck = () => Promise.resolve(new Response(new ReadableStream<Uint8Array>({ start: (c) => c.enqueue(new Uint8Array([0x7b])) })));
    expect(await failure('https://stuck.test/doc', opts({ fetch: stuck, timeoutMs: 300 }))).toEqual({ kind: 'timeout', detail: 'did not answer in full within 0.3 s' });
  });

  it('in truncate mode keeps the first bytes of an oversized or broken-off body', async () => {
    const big = await boundedFetch(`${docs.origin}/endless`, opts({ maxBytes: 1000, overflow: 'truncate' }));
    expect([big.status, big.bytes.byteLength, big.truncated]).toEqual([200, 1000, true]);
    const broken = await boundedFetch(`${docs.origin}/breaks`, opts({ overflow: 'truncate' }));
    expect([broken.text, broken.truncated]).toEqual(['0123456789', true]);
    expect(await failure(`${docs.origin}/breaks`, opts())).toMatchObject({ kind: 'network', detail: expect.stringMatching(/^broke off: /) });
  });

  it('says a connection was refused as a network failure', async () => {
    const closed = await startHostileServer({});
    const origin = closed.origin;
    await closed.close();
    expect(await failure(`${origin}/x`, opts())).toMatchObject({ kind: 'network', detail: expect.stringMatching(/^could not be fetched: fetch failed \(.*ECONNREFUSED/) });
  });

  it("stops at the caller's own abort, rejecting with its reason", async () => {
    const ac = new AbortController();
    const pending = boundedFetch(`${docs.origin}/silent`, opts({ signal: ac.signal }));
    await docs.visit('/silent');
    ac.abort(new Error('closed by the caller'));
    await expect(pending).rejects.toThrow('closed by the caller');
  });
});

describe('boundedFetchAsFetch', () => {
  const fetchLike = boundedFetchAsFetch({ maxBytes: CAP, timeoutMs: 10_000 });

  it('answers as a Response: status, headers and body; a form body is sent as a form, Accept defaults to anything', async () => {
    const res = await fetchLike(new URL(`${docs.origin}/form`), { method: 'POST', body: new URLSearchParams({ a: 'b c' }) });
    expect([res.status, res.headers.get('x-seen'), await res.text()]).toEqual([201, 'POST application/x-www-form-urlencoded;charset=UTF-8 */*', 'a=b+c']);
    const empty = await fetchLike(`${docs.origin}/empty`);
    expect([empty.status, empty.body]).toEqual([204, null]);
  });

  it('keeps the bounds: a server that never answers fails with the URL and the deadline', async () => {
    const err = await boundedFetchAsFetch({ maxBytes: CAP, timeoutMs: 500 })(`${docs.origin}/silent`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BoundedFetchError);
    expect((err as Error).message).toBe(`${docs.origin}/silent did not answer in full within 0.5 s`);
  });
});
