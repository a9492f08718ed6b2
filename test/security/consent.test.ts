/**
 * The consent page's own defences, at the HTTP level (the browser test shows them holding in
 * Chromium): a CSRF token bound to the pending request and doubled in an HttpOnly SameSite=Strict
 * cookie, a foreign Origin refused first, a strict CSP with frame-ancestors 'none', no inline
 * script, nosniff everywhere. A decision that fails leaves the request pending.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from '../reliability/lib/http';
import { seededServer, type Seeded } from './lib/routes';

let x: Seeded;
beforeAll(async () => {
  x = await seededServer();
});
afterAll(async () => {
  await x?.server.stop();
});

const s = () => x.server.services;
function newInteraction() {
  return s().interactions.start({ client: s().clients.get('agent')!, resource: s().resources.get('mcp-a')!, redirectUri: 'http://127.0.0.1:8765/callback', scopes: ['read', 'write'], state: 'st', codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM' }, []);
}
const post = (body: Record<string, string>, headers: Record<string, string> = {}) =>
  request(`${x.server.issuer}/consent`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: x.server.issuer, ...headers }, body: new URLSearchParams(body).toString() });

describe('consent page headers', () => {
  it('strict CSP, unframeable, nosniff, no-store, and an HttpOnly SameSite=Strict CSRF cookie scoped to /consent', async () => {
    const i = newInteraction();
    const r = await request(`${x.server.issuer}/consent?interaction=${i.uid}`, { headers: { accept: 'text/html' } });
    expect(r.status).toBe(200);
    const csp = String(r.headers['content-security-policy']);
    const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v.join(' ')]));
    expect(directives['default-src']).toBe("'none'");
    expect(directives['script-src']).toBe("'self'");
    expect(directives['frame-ancestors']).toBe("'none'");
    expect(directives['base-uri']).toBe("'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*|data:.*script|https?:/);
    expect(r.headers['x-frame-options']).toBe('DENY');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['cache-control']).toBe('no-store');
    const cookie = ([] as string[]).concat(r.headers['set-cookie'] ?? []).find((c) => c.startsWith('authplane_consent='))!;
    expect(cookie).toBeDefined();
    expect(cookie.split(';')[0]).toBe(`authplane_consent=${i.csrf}`);
    expect(cookie).toMatch(/;\s*httponly/i);
    expect(cookie).toMatch(/;\s*samesite=strict/i);
    expect(cookie).toMatch(/;\s*path=\/consent/i);
    // No inline script or handler for the CSP to have to block.
    expect(r.text).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/i);
    expect(r.text).not.toMatch(/\son[a-z]+\s*=/i);
    expect(r.text).toContain(`name="csrf" value="${i.csrf}"`);
  });

  it('nosniff on every kind of answer: JSON, HTML, CSS, JS, errors, refused hosts and parser errors', async () => {
    const paths = ['/.well-known/oauth-authorization-server', '/assets/page.css', '/assets/consent.js', '/consent?interaction=nope', '/oauth/token', '/admin/api/status', '/ui/', '/no-such-page'];
    for (const p of paths) expect((await request(`${x.server.issuer}${p}`)).headers['x-content-type-options'], p).toBe('nosniff');
    expect((await request(`${x.server.issuer}/health`, { headers: { host: 'evil.example' } })).headers['x-content-type-options']).toBe('nosniff');
    expect((await request(`${x.server.issuer}/health`, { headers: { 'x-big': 'a'.repeat(20_000) } })).headers['x-content-type-options']).toBe('nosniff');
  });

  it('error pages are unframeable and script-free too', async () => {
    const r = await request(`${x.server.issuer}/consent?interaction=nope`, { headers: { accept: 'text/html' } });
    expect(r.status).toBe(400);
    expect(r.headers['content-type']).toMatch(/^text\/html/);
    expect(r.headers['x-frame-options']).toBe('DENY');
    expect(String(r.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
  });
});

describe('CSRF token bound to the pending request', () => {
  it("another request's token, a missing cookie or a missing token are refused (403); the request stays pending", async () => {
    const a = newInteraction();
    const b = newInteraction();
    const approve = { action: 'approve', scope: 'read', sub: 'dev-user' };
    const attempts: Array<[string, Record<string, string>, Record<string, string>]> = [
      ["A's token and cookie for B", { interaction: b.uid, csrf: a.csrf, ...approve }, { cookie: `authplane_consent=${a.csrf}` }],
      ["B's token with A's cookie", { interaction: b.uid, csrf: b.csrf, ...approve }, { cookie: `authplane_consent=${a.csrf}` }],
      ["B's token, no cookie", { interaction: b.uid, csrf: b.csrf, ...approve }, {}],
      ["B's cookie, no token", { interaction: b.uid, ...approve }, { cookie: `authplane_consent=${b.csrf}` }],
      ['an empty token and cookie', { interaction: b.uid, csrf: '', ...approve }, { cookie: 'authplane_consent=' }],
      ['the cookie value as both (forged pair)', { interaction: b.uid, csrf: 'forged-value-forged-value-12', ...approve }, { cookie: 'authplane_consent=forged-value-forged-value-12' }],
    ];
    for (const [what, body, headers] of attempts) {
      const r = await post(body, headers);
      expect(r.status, what).toBe(403);
      expect(r.text, what).toMatch(/CSRF check failed/);
      expect(s().interactions.get(b.uid)?.outcome, what).toBeUndefined();
    }
    // A decision on A with A's pair works, and B is still pending.
    const ok = await post({ interaction: a.uid, csrf: a.csrf, ...approve }, { cookie: `authplane_consent=${a.csrf}` });
    expect(ok.status).toBe(303);
    expect(new URL(ok.headers.location!).searchParams.get('code')).toBeTruthy();
    expect(s().interactions.listPending().map((p) => p.uid)).toContain(b.uid);
  });

  it('a foreign Origin is refused before anything else, even with the right token and cookie', async () => {
    const i = newInteraction();
    for (const origin of ['http://evil.example', `http://127.0.0.1:${x.server.port + 1}`, `http://localhost:${x.server.port + 1}`, 'null']) {
      const r = await post({ interaction: i.uid, csrf: i.csrf, action: 'approve', scope: 'read' }, { origin, cookie: `authplane_consent=${i.csrf}` });
      expect(r.status, origin).toBe(403);
      expect(r.text).toMatch(/cannot be posted from another origin/);
    }
    expect(s().interactions.get(i.uid)?.outcome).toBeUndefined();
  });

  it('GET never decides anything', async () => {
    const i = newInteraction();
    const q = new URLSearchParams({ interaction: i.uid, csrf: i.csrf, action: 'approve', scope: 'read' });
    await request(`${x.server.issuer}/consent?${q}`, { headers: { cookie: `authplane_consent=${i.csrf}` } });
    expect(s().interactions.get(i.uid)?.outcome).toBeUndefined();
  });
});
