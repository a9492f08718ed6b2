/**
 * The admin API (and the UI's own API) against a page in the developer's browser or any local
 * caller without the token: every route needs the admin token, compared in constant time; no
 * route sends CORS headers (so no other origin can read an answer); every state-changing route
 * refuses a foreign Origin even with the token. After every attack the state is unchanged.
 */
import { timingSafeEqual } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { request } from '../reliability/lib/http';
import { routeCases, seededServer, snapshot, type Seeded } from './lib/routes';

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

let x: Seeded;
beforeAll(async () => {
  x = await seededServer();
});
afterAll(async () => {
  await x?.server.stop();
});

const send = (method: string, path: string, headers: Record<string, string>, body?: string, type?: string) =>
  request(`${x.server.issuer}${path}`, { method, headers: { ...(type ? { 'content-type': type } : {}), ...headers }, body, timeoutMs: 10_000 });
const adminRoutes = () => routeCases(x).filter((r) => r.area === 'admin' || (r.area === 'ui' && r.path.startsWith('/ui/api/') && r.path !== '/ui/api/session' && r.path !== '/ui/api/logout'));

describe('admin token', () => {
  it('every admin route refuses a missing, wrong, truncated, padded or misplaced token (401) and changes nothing', async () => {
    const before = await snapshot(x);
    const t = x.server.adminToken;
    const flip = t.slice(0, -1) + (t.endsWith('A') ? 'B' : 'A');
    const attempts: Array<Record<string, string>> = [
      {},
      { authorization: 'Bearer ' },
      { authorization: `Bearer ${flip}` },
      { authorization: `Bearer ${t.slice(0, -1)}` },
      { authorization: `Bearer ${t}x` },
      { authorization: `Bearer ${t} ${t}` },
      { authorization: `Basic ${Buffer.from(`admin:${t}`).toString('base64')}` },
      { authorization: t },
      { cookie: `authplane_admin=${t}; token=${t}` },
      { 'x-admin-token': t },
    ];
    for (const route of adminRoutes()) {
      for (const headers of attempts) {
        const r = await send(route.method, route.path, headers, route.body, route.type);
        expect(r.status, `${route.method} ${route.path} ${JSON.stringify(headers).slice(0, 60)}`).toBe(401);
        expect(JSON.parse(r.text).error).toBe('unauthorized');
      }
      // The token in the query string is not accepted either (it would end up in logs and history).
      const q = await send(route.method, `${route.path}${route.path.includes('?') ? '&' : '?'}access_token=${t}&token=${t}`, {}, route.body, route.type);
      expect(q.status, `${route.method} ${route.path}?access_token=`).toBe(401);
    }
    expect(await snapshot(x)).toBe(before);
  });

  it('compares the token in constant time (crypto.timingSafeEqual on equal-length buffers)', async () => {
    const spy = vi.mocked(timingSafeEqual);
    spy.mockClear();
    const t = x.server.adminToken;
    const wrong = 'A'.repeat(t.length);
    const r = await send('GET', '/admin/api/status', { authorization: `Bearer ${wrong}` });
    expect(r.status).toBe(401);
    const call = spy.mock.calls.find(([a, b]) => Buffer.from(a as Uint8Array).toString() === wrong || Buffer.from(b as Uint8Array).toString() === wrong);
    expect(call, 'timingSafeEqual was not used for the admin token').toBeDefined();
    // A wrong length is compared too (against itself), so the time taken does not depend on where the strings differ.
    spy.mockClear();
    expect((await send('GET', '/admin/api/status', { authorization: 'Bearer short' })).status).toBe(401);
    expect(spy).toHaveBeenCalled();
  });
});

describe('no CORS on the admin API, the UI API or the consent page', () => {
  it('sends no Access-Control-* header, to simple requests and preflights alike', async () => {
    const routes = routeCases(x).filter((r) => r.area !== 'public' && r.path !== '/admin/api/events');
    for (const route of routes) {
      for (const origin of ['http://evil.example', `http://127.0.0.1:${x.server.port + 1}`, 'null']) {
        const pre = await send('OPTIONS', route.path, { origin, 'access-control-request-method': route.method, 'access-control-request-headers': 'authorization, content-type' });
        expect(Object.keys(pre.headers).filter((h) => h.startsWith('access-control-')), `preflight ${route.path}`).toEqual([]);
        const res = await send(route.method === 'GET' ? 'GET' : 'HEAD', route.path, { origin, authorization: `Bearer ${x.server.adminToken}` });
        expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-')), `${route.path}`).toEqual([]);
      }
    }
  });
});

describe('Origin on state-changing admin requests', () => {
  it('refuses every state-changing route from a foreign Origin with 403, even with the token; nothing changes', async () => {
    const before = await snapshot(x);
    const writes = adminRoutes().filter((r) => r.method !== 'GET');
    expect(writes.length).toBeGreaterThan(15);
    for (const route of writes) {
      for (const origin of ['http://evil.example', `http://127.0.0.1:${x.server.port + 1}`, `http://localhost:${x.server.port + 1}`, 'null', `http://127.0.0.1:${x.server.port}.evil.example`]) {
        const r = await send(route.method, route.path, { origin, authorization: `Bearer ${x.server.adminToken}` }, route.body, route.type);
        expect(r.status, `${route.method} ${route.path} from ${origin}`).toBe(403);
        expect(JSON.parse(r.text).error).toBe('forbidden_origin');
      }
    }
    expect(await snapshot(x)).toBe(before);
  });

  it("accepts the server's own origins (the desktop window and the browser UI)", async () => {
    for (const [i, origin] of [`http://127.0.0.1:${x.server.port}`, `http://localhost:${x.server.port}`].entries()) {
      const r = await send('POST', '/admin/api/users', { origin, authorization: `Bearer ${x.server.adminToken}` }, JSON.stringify({ sub: `own-${i}`, name: 'Own' }), 'application/json');
      expect(r.status).toBe(201);
    }
  });
});
