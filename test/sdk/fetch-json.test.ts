/** The SDK's metadata/JWKS GET goes through the bounded fetch: one deadline, identity, running cap. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchJson } from '../../server/sdk/fetch-json';
import { gzipBomb, startHostileServer, type HostileServer } from '../net/hostileServer';

let as: HostileServer;
const runtimeFetch = (input: string, init?: RequestInit) => fetch(input, init);

beforeAll(async () => {
  as = await startHostileServer({
    '/jwks': (_req, res) => res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=60' }).end('{"keys":[]}'),
    '/dribble': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"keys":[');
      const t = setInterval(() => res.write(' '), 50);
      res.once('close', () => clearInterval(t));
    },
    '/bomb': (_req, res) => {
      const body = gzipBomb(64 * 1024 * 1024);
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': String(body.length) }).end(body);
    },
  });
});
afterAll(() => as.close());

describe('fetchJson', () => {
  it('reads a JWKS with its max-age, asking for identity', async () => {
    expect(await fetchJson(runtimeFetch, `${as.origin}/jwks`, { maxBytes: 65536, timeoutMs: 10_000 })).toEqual({ json: { keys: [] }, maxAge: 60 });
    expect((await as.visit('/jwks')).headers['accept-encoding']).toBe('identity');
  });

  it('gives up on a body that dribbles past the deadline', async () => {
    const url = `${as.origin}/dribble`;
    await expect(fetchJson(runtimeFetch, url, { maxBytes: 65536, timeoutMs: 500 })).rejects.toThrow(new Error(`GET ${url} did not answer in full within 0.5 s`));
    await (await as.visit('/dribble')).closed;
  });

  it('stops inflating a gzip bomb at the cap', async () => {
    const url = `${as.origin}/bomb`;
    await expect(fetchJson(runtimeFetch, url, { maxBytes: 65536, timeoutMs: 10_000 })).rejects.toThrow(new Error(`GET ${url} is larger than the 64 KB limit`));
  });
});
