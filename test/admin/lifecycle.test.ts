/** Consent prompts decided through the admin API, and an open SSE stream not blocking shutdown. */
import { describe, expect, it } from 'vitest';
import { authorizationUrl, discover } from '../helpers/oauthClient';
import { startTestServer } from '../helpers/server';
import { call } from './helpers';

describe('pending interactions (consent: prompt)', () => {
  it('lists the prompt and decides it: approve returns the client redirect with a code', async () => {
    const server = await startTestServer({ consent: 'prompt' });
    try {
      await server.services.resources.create({ slug: 'mcp-a', uri: 'http://127.0.0.1:3001/mcp', display_name: 'MCP A', scopes: [{ name: 'read', description: 'Read access' }, { name: 'write' }] });
      await server.services.clients.create({ client_name: 'My Agent', client_id: 'my-agent', redirect_uris: ['http://127.0.0.1:8765/callback'] });
      const as = await discover(server.issuer);
      const { url, state } = await authorizationUrl(as, { issuer: server.issuer, clientId: 'my-agent', scope: 'read write', resource: 'http://127.0.0.1:3001/mcp' });
      const res = await fetch(url, { redirect: 'manual' });
      expect([302, 303]).toContain(res.status);

      const list = await call(server, 'GET', '/interactions');
      expect(list.status).toBe(200);
      expect(list.body).toHaveLength(1);
      const [pending] = list.body;
      expect(pending).toMatchObject({
        client: { client_id: 'my-agent', client_name: 'My Agent', registration_source: 'admin' },
        resource: { slug: 'mcp-a', uri: 'http://127.0.0.1:3001/mcp', display_name: 'MCP A' },
        scopes: [{ name: 'read', description: 'Read access' }, { name: 'write' }],
        redirect_uri: 'http://127.0.0.1:8765/callback',
        default_sub: 'dev-user',
      });
      expect(res.headers.get('location')).toContain(pending.uid);

      const tooMuch = await call(server, 'POST', `/interactions/${pending.uid}/decision`, { json: { action: 'approve', scopes: [] } });
      expect(tooMuch.status).toBe(400);
      expect(tooMuch.body.error_description).toBe('scopes: pick at least one scope');

      const foreign = await call(server, 'POST', `/interactions/${pending.uid}/decision`, { json: { action: 'approve' }, headers: { origin: 'http://evil.example' } });
      expect(foreign.status).toBe(403);

      const decided = await call(server, 'POST', `/interactions/${pending.uid}/decision`, { json: { action: 'approve', scopes: ['read'] } });
      expect(decided.status).toBe(200);
      const redirect = new URL(decided.body.redirect);
      expect(`${redirect.origin}${redirect.pathname}`).toBe('http://127.0.0.1:8765/callback');
      expect(redirect.searchParams.get('code')).toMatch(/^[\w-]{20,}$/);
      expect(redirect.searchParams.get('state')).toBe(state);
      expect((await call(server, 'GET', '/interactions')).body).toEqual([]);
      expect((await call(server, 'GET', '/consents?client_id=my-agent')).body).toMatchObject([{ sub: 'dev-user', resource: 'mcp-a', scopes: ['read'] }]);
    } finally {
      await server.stop();
    }
  });
});

describe('event stream', () => {
  it('delivers every event in order, in a few batched chunks rather than one write per event', async () => {
    const server = await startTestServer();
    try {
      const res = await fetch(`${server.issuer}/admin/api/events`, { headers: { authorization: `Bearer ${server.adminToken}` } });
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      expect((await reader.read()).value).toContain(': connected');
      // A steady trickle, as a load test produces: one event every millisecond or so.
      const emitting = (async () => {
        for (let i = 0; i < 150; i++) {
          server.events.emit('family.revoked', { family_id: `f-${i}`, reason: 'admin' });
          await new Promise((r) => setTimeout(r, 1));
        }
      })();
      let text = '';
      let chunks = 0;
      while ((text.match(/^event: family\.revoked$/gm) ?? []).length < 150) {
        const r = await reader.read();
        if (r.done) break;
        text += r.value;
        chunks++;
      }
      const ids = [...text.matchAll(/"family_id":"(f-\d+)"/g)].map((m) => m[1]);
      await emitting;
      expect(ids).toEqual(Array.from({ length: 150 }, (_, i) => `f-${i}`));
      // ~150 ms of events at most every 20 ms: about 8 writes (one per event would be 150).
      expect(chunks).toBeLessThan(40);
      await reader.cancel();
    } finally {
      await server.stop();
    }
  });
});

describe('shutdown', () => {
  it('an open event stream does not keep the server from closing', async () => {
    const server = await startTestServer();
    const listeners = server.events.listenerCount;
    const res = await fetch(`${server.issuer}/admin/api/events`, { headers: { authorization: `Bearer ${server.adminToken}` } });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    await reader.read();
    const t0 = Date.now();
    await server.stop();
    expect(Date.now() - t0).toBeLessThan(3000);
    // The client sees the stream end.
    for (;;) {
      const r = await reader.read().catch(() => ({ done: true as const }));
      if (r.done) break;
    }
    expect(server.events.listenerCount).toBe(listeners);
  });
});

describe('authenticate hook', () => {
  it('lets a session (e.g. the UI cookie) stand in for the bearer token', async () => {
    const { default: Koa } = await import('koa');
    const { createAdminRouter } = await import('../../server/admin/router');
    const { errorHandler } = await import('../../server/http/errorHandler');
    const { silentLogger } = await import('../../server/log');
    const server = await startTestServer();
    const app = new Koa();
    app.use(errorHandler(silentLogger));
    const router = createAdminRouter(server.services, { adminToken: server.adminToken, authenticate: (ctx) => ctx.cookies.get('authplane_session') === 'good' });
    app.use(router.middleware());
    const http = app.listen(0, '127.0.0.1');
    await new Promise((r) => http.once('listening', r));
    const base = `http://127.0.0.1:${(http.address() as { port: number }).port}/admin/api`;
    try {
      expect((await fetch(`${base}/users`, { headers: { cookie: 'authplane_session=good' } })).status).toBe(200);
      expect((await fetch(`${base}/users`, { headers: { cookie: 'authplane_session=bad' } })).status).toBe(401);
      expect((await fetch(`${base}/users`, { headers: { authorization: `Bearer ${server.adminToken}` } })).status).toBe(200);
      // A session does not lift the origin rule.
      const post = await fetch(`${base}/users`, { method: 'POST', headers: { cookie: 'authplane_session=good', origin: 'http://evil.example', 'content-type': 'application/json' }, body: '{"sub":"x"}' });
      expect(post.status).toBe(403);
    } finally {
      await new Promise((r) => http.close(r));
      await server.stop();
    }
  });
});
