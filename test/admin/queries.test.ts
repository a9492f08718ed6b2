/**
 * No filter is ever silently ignored: every admin route parses its query with a strict schema,
 * so an unknown parameter is a 400 naming the accepted ones (before anything changes), and the
 * product's spellings (`user`, `since`) are filters, not noise.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeFlow } from '../helpers/oauthClient';
import { seedSingleMcp, startTestServer, type TestServer } from '../helpers/server';
import { call } from './helpers';

let server: TestServer;
let user: string;
beforeAll(async () => {
  server = await startTestServer();
  await seedSingleMcp(server);
  for (let i = 0; i < 2; i++) await codeFlow({ issuer: server.issuer, clientId: 'my-agent', scope: 'read', resource: 'http://127.0.0.1:3001/mcp' });
  user = (await call(server, 'GET', '/status')).body.default_user;
});
afterAll(async () => {
  await server?.stop();
});

const ISSUANCE_PARAMS = 'resource, client, sub, user, grant, jti, state, since, limit, cursor';
const bad = (description: string) => ({ status: 400, body: { error: 'invalid_request', error_description: description } });
const reply = async (method: string, path: string) => {
  const r = await call(server, method, path);
  return { status: r.status, body: { error: r.body?.error, error_description: r.body?.error_description } };
};

describe('GET /issuances filters', () => {
  it('user= filters by subject (it used to return every row)', async () => {
    expect((await call(server, 'GET', '/issuances?user=nobody')).body).toEqual({ issuances: [], next_cursor: null });
    const mine = await call(server, 'GET', `/issuances?user=${user}`);
    expect(mine.body.issuances).toHaveLength(2);
    expect(mine.body.issuances.every((r: { sub: string }) => r.sub === user)).toBe(true);
    expect((await call(server, 'GET', `/issuances?sub=${user}&user=${user}`)).body.issuances).toHaveLength(2);
    expect(await reply('GET', `/issuances?sub=${user}&user=other`)).toEqual(bad('user and sub name the same filter: pass one of them'));
  });

  it('since= takes a duration or an RFC 3339 time, at most 30 days back', async () => {
    expect((await call(server, 'GET', '/issuances?since=1h')).body.issuances).toHaveLength(2);
    expect((await call(server, 'GET', '/issuances?since=720h')).body.issuances).toHaveLength(2);
    expect((await call(server, 'GET', `/issuances?since=${new Date(Date.now() + 60_000).toISOString()}`)).body.issuances).toHaveLength(0);
    expect(await reply('GET', '/issuances?since=31d')).toEqual(bad('since: since "31d": at most 30 days back (720h)'));
    expect(await reply('GET', '/issuances?since=yesterday')).toEqual(bad('since: since "yesterday": expected a duration like 30m, 24h, 7d, 2w or an RFC 3339 time like 2026-01-02T15:04:05Z'));
  });

  it('an unknown parameter is a 400 naming the accepted ones', async () => {
    expect(await reply('GET', '/issuances?usr=nobody')).toEqual(bad(`unknown query parameter "usr"; accepted: ${ISSUANCE_PARAMS}`));
    expect(await reply('GET', '/issuances?subject=a&client_id=b')).toEqual(bad(`unknown query parameters "subject", "client_id"; accepted: ${ISSUANCE_PARAMS}`));
    expect(await reply('GET', '/issuances?limit=0')).toEqual(bad('limit: Too small: expected number to be >=1'));
    expect(await reply('GET', '/issuances?state=gone')).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });
});

describe('every admin route', () => {
  it('list routes name their own parameters', async () => {
    expect(await reply('GET', '/activity?client=x')).toEqual(bad('unknown query parameter "client"; accepted: limit, client_id, problems'));
    expect(await reply('GET', '/activity?problems=maybe')).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect(await reply('GET', '/consents?revoked=true')).toEqual(bad('unknown query parameter "revoked"; accepted: sub, user, client_id, resource, include_revoked'));
    expect((await call(server, 'GET', '/consents?user=nobody')).body).toEqual([]);
    expect((await call(server, 'GET', `/consents?user=${user}`)).body).toHaveLength(1);
    expect(await reply('GET', '/audit?actor=x')).toEqual(bad('unknown query parameter "actor"; accepted: type, sub, user, client, resource, since, until, limit'));
  });

  it('routes without parameters refuse any, before changing anything', async () => {
    const none = (name: string) => bad(`unknown query parameter "${name}": this route takes none`);
    for (const [method, path] of [
      ['GET', '/status?verbose=1'],
      ['GET', '/resources?slug=mcp-a'],
      ['GET', '/resources/mcp-a?x=1'],
      ['GET', '/clients?status=active'],
      ['GET', '/clients/my-agent?x=1'],
      ['GET', '/users?role=admin'],
      ['GET', '/keys?all=1'],
      ['GET', '/interactions?x=1'],
      ['GET', '/events?x=1'],
      ['DELETE', '/clients/my-agent?force=true'],
      ['POST', '/keys/rotate?alg=RS256'],
    ] as const) {
      const name = path.slice(path.indexOf('?') + 1).split('=')[0]!;
      expect(await reply(method, path), `${method} ${path}`).toEqual(none(name));
    }
    // Resource deletion takes the product's cascade flag (fronting links), and nothing else.
    expect(await reply('DELETE', '/resources/mcp-a?force=true')).toEqual({ status: 400, body: { error: 'invalid_request', error_description: 'unknown query parameter "force"; accepted: cascade' } });
    // Nothing changed: the client and resource are still there, no key was rotated.
    expect((await call(server, 'GET', '/clients/my-agent')).status).toBe(200);
    expect((await call(server, 'GET', '/resources/mcp-a')).status).toBe(200);
    expect((await call(server, 'GET', '/keys')).body).toHaveLength(1);
  });
});
