/** Issuances, families, consents, interactions and the SSE stream through the admin API. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, Resource } from '../../server/contracts';
import { startTestServer, type TestServer } from '../helpers/server';
import { call, ISO } from './helpers';

let server: TestServer;
let resource: Resource;
let bot: Client;
let agent: Client;
beforeAll(async () => {
  server = await startTestServer();
  resource = await server.services.resources.create({ slug: 'mcp-a', uri: 'http://127.0.0.1:3001/mcp', scopes: [{ name: 'read' }, { name: 'write' }] });
  const created = await server.services.clients.create({ client_name: 'bot', grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_post' });
  bot = server.services.clients.require(created.client_id);
  await server.services.clients.create({ client_name: 'agent', client_id: 'agent' });
  agent = server.services.clients.require('agent');
});
afterAll(async () => {
  await server?.stop();
});

describe('issuances', () => {
  it('pages newest first with next_cursor, and filters', async () => {
    const jtis: string[] = [];
    for (let i = 0; i < 7; i++) {
      await server.services.tokens.issueForClient({ client: bot, resource, scope: 'read' });
      jtis.push(((await server.store.issuances.list({ now: Date.now(), limit: 1 })).rows[0]!).jti);
    }
    const expected = [...jtis].reverse();
    const seen: string[] = [];
    let cursor: string | null = null;
    const sizes: number[] = [];
    do {
      const q: string = `/issuances?client=${bot.client_id}&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const r = await call(server, 'GET', q);
      expect(r.status).toBe(200);
      expect(Object.keys(r.body).sort()).toEqual(['issuances', 'next_cursor']);
      sizes.push(r.body.issuances.length);
      seen.push(...r.body.issuances.map((x: { jti: string }) => x.jti));
      cursor = r.body.next_cursor;
    } while (cursor);
    expect(sizes).toEqual([3, 3, 1]);
    expect(seen).toEqual(expected);

    const first = (await call(server, 'GET', `/issuances?jti=${jtis[0]}`)).body;
    expect(first).toEqual({
      issuances: [
        {
          jti: jtis[0],
          sub: bot.client_id,
          client_id: bot.client_id,
          resource: 'mcp-a',
          aud: 'http://127.0.0.1:3001/mcp',
          scope: 'read',
          grant: 'client_credentials',
          kid: expect.any(String),
          issued_at: ISO,
          expires_at: ISO,
          state: 'active',
        },
      ],
      next_cursor: null,
    });
    const def = await call(server, 'GET', '/issuances');
    expect(def.body.issuances.length).toBe(7);
    expect((await call(server, 'GET', '/issuances?resource=other')).body).toEqual({ issuances: [], next_cursor: null });
    expect((await call(server, 'GET', '/issuances?grant=authorization_code&client=' + bot.client_id)).body.issuances).toEqual([]);
    const bad = await call(server, 'GET', '/issuances?limit=0');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('invalid_request');
    expect((await call(server, 'GET', '/issuances?state=bogus')).status).toBe(400);
  });

  it('GET one, revoke one (idempotent), 404 for unknown jti', async () => {
    await server.services.tokens.issueForClient({ client: bot, resource, scope: 'read' });
    const [row] = (await call(server, 'GET', `/issuances?client=${bot.client_id}&limit=1`)).body.issuances;
    const one = await call(server, 'GET', `/issuances/${row.jti}`);
    expect(one.body).toEqual(row);
    const revoked = await call(server, 'POST', `/issuances/${row.jti}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ jti: row.jti, state: 'revoked', revoked_at: ISO, revoked_reason: 'admin' });
    const again = await call(server, 'POST', `/issuances/${row.jti}/revoke`);
    expect(again.body.revoked_at).toBe(revoked.body.revoked_at);
    expect(server.store.issuances.isRevoked(row.jti)).toBe(true);
    const onlyRevoked = await call(server, 'GET', `/issuances?state=revoked&client=${bot.client_id}`);
    expect(onlyRevoked.body.issuances.map((x: { jti: string }) => x.jti)).toEqual([row.jti]);
    const missing = await call(server, 'GET', '/issuances/nope');
    expect(missing.status).toBe(404);
    expect(missing.body.error_description).toBe('issuance "nope" not found');
    expect((await call(server, 'POST', '/issuances/nope/revoke')).status).toBe(404);
  });

  it('revokes a refresh family and its access tokens', async () => {
    const { familyId, jti } = await server.services.tokens.issueForCode({ sub: 'dev-user', client: agent, resource, scope: 'read' });
    const r = await call(server, 'POST', `/families/${familyId}/revoke`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ family_id: familyId, revoked: true });
    expect((await call(server, 'GET', `/issuances/${jti}`)).body).toMatchObject({ state: 'revoked', revoked_reason: 'admin' });
    const missing = await call(server, 'POST', '/families/nope/revoke');
    expect(missing.status).toBe(404);
    expect(missing.body.error_description).toBe('refresh-token family "nope" not found');
  });
});

describe('consents', () => {
  it('lists with filters and revokes with cascade', async () => {
    await server.services.users.create({ sub: 'alice' });
    const grant = await server.services.consents.record('alice', 'agent', 'mcp-a', ['read']);
    await server.services.consents.record('dev-user', 'agent', 'mcp-a', ['write']);
    const { jti } = await server.services.tokens.issueForCode({ sub: 'alice', client: agent, resource, scope: 'read' });

    const all = await call(server, 'GET', '/consents?client_id=agent&resource=mcp-a');
    expect(all.body.map((g: { sub: string }) => g.sub).sort()).toEqual(['alice', 'dev-user']);
    const alice = await call(server, 'GET', '/consents?sub=alice');
    expect(alice.body).toEqual([{ id: grant.id, sub: 'alice', client_id: 'agent', resource: 'mcp-a', scopes: ['read'], created_at: ISO, updated_at: ISO }]);

    const revoked = await call(server, 'DELETE', `/consents/${grant.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ id: grant.id, revoked_at: ISO });
    expect((await call(server, 'GET', '/consents?sub=alice')).body).toEqual([]);
    expect((await call(server, 'GET', '/consents?sub=alice&include_revoked=true')).body).toHaveLength(1);
    expect((await call(server, 'GET', `/issuances/${jti}`)).body).toMatchObject({ state: 'revoked', revoked_reason: 'consent_revoked' });
    const missing = await call(server, 'DELETE', '/consents/nope');
    expect(missing.status).toBe(404);
    expect(missing.body.error_description).toBe('consent grant "nope" not found');
  });
});

/** Reads an SSE response until `predicate` matches a parsed event. */
async function nextEvent(reader: ReadableStreamDefaultReader<Uint8Array>, state: { buf: string; raw: string }, predicate: (type: string, data: any) => boolean, timeoutMs = 5000) {
  const decoder = new TextDecoder();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let idx: number;
    while ((idx = state.buf.indexOf('\n\n')) >= 0) {
      const block = state.buf.slice(0, idx);
      state.buf = state.buf.slice(idx + 2);
      const type = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (type && data) {
        const parsed = JSON.parse(data);
        if (predicate(type, parsed)) return { type, data: parsed, block };
      }
    }
    if (Date.now() > deadline) throw new Error(`no matching event; got: ${state.raw}`);
    const { value, done } = await reader.read();
    if (done) throw new Error(`stream ended; got: ${state.raw}`);
    const text = decoder.decode(value, { stream: true });
    state.raw += text;
    state.buf += text;
  }
}

describe('events (SSE)', () => {
  it('streams resource.created and requires the token', async () => {
    const denied = await fetch(`${server.issuer}/admin/api/events`);
    expect(denied.status).toBe(401);
    await denied.text();

    const ac = new AbortController();
    const res = await fetch(`${server.issuer}/admin/api/events`, { headers: { authorization: `Bearer ${server.adminToken}` }, signal: ac.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const reader = res.body!.getReader();
    const state = { buf: '', raw: '' };
    const listeners = server.events.listenerCount;

    const created = await call(server, 'POST', '/resources', { json: { slug: 'sse-a', uri: 'https://sse-a.example.com' } });
    expect(created.status).toBe(201);
    const ev = await nextEvent(reader, state, (t) => t === 'resource.created');
    expect(ev.block.split('\n')[0]).toBe('event: resource.created');
    expect(ev.data).toEqual({ type: 'resource.created', at: ISO, data: { resource: created.body } });
    expect(state.raw.startsWith('retry: 2000\n')).toBe(true);

    await call(server, 'DELETE', '/resources/sse-a');
    const del = await nextEvent(reader, state, (t) => t === 'resource.deleted');
    expect(del.data.data).toEqual({ slug: 'sse-a' });

    ac.abort();
    await reader.cancel().catch(() => undefined);
    // The subscription is dropped when the client goes away.
    for (let i = 0; i < 50 && server.events.listenerCount >= listeners; i++) await new Promise((r) => setTimeout(r, 20));
    expect(server.events.listenerCount).toBe(listeners - 1);
  });
});

describe('interactions', () => {
  it('lists nothing pending in auto mode', async () => {
    const r = await call(server, 'GET', '/interactions');
    expect(r.status).toBe(200);
    expect(r.body).toEqual([]);
    const bad = await call(server, 'POST', '/interactions/nope/decision', { json: { action: 'maybe' } });
    expect(bad.status).toBe(400);
    const missing = await call(server, 'POST', '/interactions/nope/decision', { json: { action: 'deny' } });
    expect(missing.status).toBe(404);
  });
});
