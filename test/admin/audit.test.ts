/** GET /admin/api/audit: the audit trail of a real server, filtered as the product's GET /admin/audit. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEvent } from '../../server/contracts';
import { codeFlow } from '../helpers/oauthClient';
import { seedSingleMcp, startTestServer, type TestServer } from '../helpers/server';
import { call } from './helpers';

let server: TestServer;
let user: string;
beforeAll(async () => {
  server = await startTestServer();
  await seedSingleMcp(server);
  await call(server, 'POST', '/clients', { json: { client_name: 'other', client_id: 'other-agent', redirect_uris: ['http://127.0.0.1:8765/callback'], token_endpoint_auth_method: 'none' } });
  for (let i = 0; i < 2; i++) await codeFlow({ issuer: server.issuer, clientId: 'my-agent', scope: 'read', resource: 'http://127.0.0.1:3001/mcp' });
  user = (await call(server, 'GET', '/status')).body.default_user;
});
afterAll(async () => {
  await server?.stop();
});

const types = (events: AppEvent[]) => events.map((e) => e.type);

describe('GET /admin/api/audit', () => {
  it('lists what happened, newest first, with filters by type, subject, client and resource', async () => {
    const all = await call(server, 'GET', '/audit');
    expect(all.status).toBe(200);
    expect(types(all.body.events).slice(-3).reverse()).toEqual(['user.created', 'resource.created', 'client.created']);
    expect(all.body.events.some((e: AppEvent) => e.type === 'request.logged')).toBe(false);

    const issued = await call(server, 'GET', '/audit?type=token.issued');
    expect(issued.body.events).toHaveLength(2);
    expect(issued.body.events[0].data.issuance).toMatchObject({ sub: user, client_id: 'my-agent', resource: 'mcp-a', scope: 'read' });
    expect(types((await call(server, 'GET', '/audit?type=client')).body.events)).toEqual(['client.created', 'client.created']);
    const other = await call(server, 'GET', '/audit?client=other-agent');
    expect(other.body.events).toHaveLength(1);
    expect(other.body.events[0].data.client.client_id).toBe('other-agent');
    const mine = (await call(server, 'GET', `/audit?user=${user}&resource=mcp-a`)).body.events as AppEvent[];
    expect(types(mine)).toEqual(['token.issued', 'token.issued', 'consent.granted']);
    expect((await call(server, 'GET', '/audit?user=nobody')).body).toEqual({ events: [] });
    expect((await call(server, 'GET', '/audit?type=token.issued&limit=1')).body.events).toHaveLength(1);
  });

  it('filters by time: since and until take a duration or an RFC 3339 time', async () => {
    expect((await call(server, 'GET', '/audit?type=token.issued&since=1h')).body.events).toHaveLength(2);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await call(server, 'GET', `/audit?since=${future}`)).body.events).toHaveLength(0);
    const past = new Date(Date.now() - 3600_000).toISOString();
    expect((await call(server, 'GET', `/audit?until=${past}`)).body.events).toHaveLength(0);
    expect((await call(server, 'GET', `/audit?type=token.issued&until=${future}`)).body.events).toHaveLength(2);
  });

  it('refuses what it cannot honour with invalid_request', async () => {
    const r = await call(server, 'GET', '/audit?action=token.issued');
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: 'invalid_request', error_description: 'unknown query parameter "action"; accepted: type, sub, user, client, resource, since, until, limit' });
    const since = await call(server, 'GET', '/audit?since=40d');
    expect(since.body).toMatchObject({ error: 'invalid_request', error_description: 'since: since "40d": at most 30 days back (720h)' });
    expect((await call(server, 'GET', '/audit?limit=5001')).status).toBe(400);
    expect((await call(server, 'GET', '/audit', { token: null })).status).toBe(401);
  });
});
