/**
 * DNS rebinding: a page on evil.example re-resolves its name to 127.0.0.1 and talks to
 * AuthPlane as "evil.example". Every route (public, consent, admin, UI) must refuse any Host that
 * is not the issuer's host or a loopback name, before doing anything: 421, an OAuth error, no
 * CORS headers, and the server state unchanged, even with a valid admin token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consentCookieName } from '../../server/oauth/consentCookie';
import { request } from '../reliability/lib/http';
import { routeCases, seededServer, snapshot, type Seeded } from './lib/routes';

let x: Seeded;
beforeAll(async () => {
  x = await seededServer();
});
afterAll(async () => {
  await x?.server.stop();
});

const port = () => x.server.port;

describe('Host header check on every route', () => {
  const foreign = () => [
    'evil.example',
    `evil.example:${port()}`,
    `127.0.0.1.evil.example:${port()}`,
    `localhost.evil.example:${port()}`,
    `127.0.0.1:${port()}@evil.example`,
    `evil.example\\@127.0.0.1:${port()}`,
    '192.168.1.10',
    '[::ffff:7f00:1]',
    '',
  ];

  it('refuses foreign Host names with 421 and changes nothing, even with the admin token', async () => {
    const before = await snapshot(x);
    let checked = 0;
    for (const route of routeCases(x)) {
      for (const host of foreign()) {
        const res = await request(`${x.server.issuer}${route.path}`, {
          method: route.method,
          headers: { host, authorization: `Bearer ${x.server.adminToken}`, origin: `http://${host || 'evil.example'}`, 'access-control-request-method': 'POST', cookie: `${consentCookieName(x.server.port, x.interaction)}=${x.csrf}`, ...(route.type ? { 'content-type': route.type } : {}) },
          body: route.body,
          timeoutMs: 5000,
        });
        const what = `${route.method} ${route.path} with Host "${host}"`;
        expect(res.status, what).toBe(421);
        expect(res.headers['content-type'], what).toMatch(/^application\/json/);
        const body = JSON.parse(res.text) as { error: string; error_description: string };
        expect(body.error, what).toBe('invalid_request');
        expect(body.error_description, what).toMatch(/DNS-rebinding protection/);
        expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-')), what).toEqual([]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(400);
    expect(await snapshot(x)).toBe(before);
  });

  it('answers loopback names and the issuer host (the same routes do not 421)', async () => {
    for (const host of [`127.0.0.1:${port()}`, `localhost:${port()}`, `LOCALHOST:${port()}`, `[::1]:${port()}`, `app.localhost:${port()}`, '127.0.0.1']) {
      for (const route of routeCases(x).filter((r) => !r.writes && r.path !== '/admin/api/events')) {
        const res = await request(`${x.server.issuer}${route.path}`, { method: route.method, headers: { host, authorization: `Bearer ${x.server.adminToken}`, ...(route.type ? { 'content-type': route.type } : {}) }, body: route.body, timeoutMs: 10_000 });
        expect(res.status, `${route.method} ${route.path} with Host ${host}`).not.toBe(421);
      }
    }
  });
});
