/** Connecting to the checked address: the URL's host name is never looked up again. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boundedFetch } from '../../server/net/boundedFetch';
import { pinnedFetch } from '../../server/net/pinnedFetch';
import { endless, startHostileServer, type HostileServer } from './hostileServer';

let docs: HostileServer;
let port: string;

beforeAll(async () => {
  docs = await startHostileServer({
    '/doc': (req, res) => res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'] }).end(JSON.stringify({ host: req.headers.host })),
    '/empty': (_req, res) => res.writeHead(204).end(),
    '/endless': (_req, res) => {
      res.writeHead(200);
      endless(res);
    },
  });
  port = new URL(docs.origin).port;
});
afterAll(() => docs.close());

describe('pinnedFetch', () => {
  it('reaches the given address for a name that does not resolve, with the name as Host', async () => {
    // .test never resolves (RFC 6761): the only way to the server is the pinned address.
    const res = await boundedFetch(`http://cimd.test:${port}/doc`, { fetch: pinnedFetch('127.0.0.1'), maxBytes: 1024, timeoutMs: 10_000 });
    expect(JSON.parse(res.text)).toEqual({ host: `cimd.test:${port}` });
    expect(res.headers.get('set-cookie')).toBe('a=1, b=2');
    expect((await docs.visit('/doc')).headers['accept-encoding']).toBe('identity');
  });

  it('answers a 204 with an empty body', async () => {
    const res = await boundedFetch(`http://cimd.test:${port}/empty`, { fetch: pinnedFetch('127.0.0.1'), maxBytes: 1024, timeoutMs: 10_000 });
    expect([res.status, res.text]).toEqual([204, '']);
  });

  it('closes the connection when the cap is hit', async () => {
    await expect(boundedFetch(`http://cimd.test:${port}/endless`, { fetch: pinnedFetch('127.0.0.1'), maxBytes: 64 * 1024, timeoutMs: 10_000 })).rejects.toMatchObject({ kind: 'too_large' });
    await (await docs.visit('/endless')).closed;
  });
});
