/**
 * The consent page's own defences, at the HTTP level (the browser test shows them holding in
 * Chromium): a CSRF token bound to the pending request and doubled in an HttpOnly SameSite=Strict
 * cookie, a foreign Origin refused first, a strict CSP with frame-ancestors 'none', no inline
 * script, nosniff everywhere. A decision that fails leaves the request pending.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consentCookieName, MAX_CONSENT_COOKIES } from '../../server/oauth/consentCookie';
import { request, type RawResponse } from '../reliability/lib/http';
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
/** The consent cookie of interaction `uid` on this server, as a Cookie header pair. */
const pair = (uid: string, value: string) => `${consentCookieName(x.server.port, uid)}=${value}`;

/** A browser's cookie jar, just enough of one: Set-Cookie stores or (Max-Age=0) deletes. */
class Jar {
  readonly cookies = new Map<string, string>();
  take(r: RawResponse): RawResponse {
    for (const c of ([] as string[]).concat(r.headers['set-cookie'] ?? [])) {
      const [nv = ''] = c.split(';');
      const eq = nv.indexOf('=');
      const name = nv.slice(0, eq).trim();
      if (/;\s*max-age=0(;|$)/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, nv.slice(eq + 1));
    }
    return r;
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  consentCookies(): string[] {
    return [...this.cookies.keys()].filter((k) => k.startsWith(`authplane_consent_${x.server.port}_`));
  }
}
const open = async (jar: Jar, uid: string) => jar.take(await request(`${x.server.issuer}/consent?interaction=${uid}`, { headers: { accept: 'text/html', cookie: jar.header() } }));

const post = (body: Record<string, string>, headers: Record<string, string> = {}) =>
  request(`${x.server.issuer}/consent`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: x.server.issuer, ...headers }, body: new URLSearchParams(body).toString() });

describe('consent page headers', () => {
  it("strict CSP, unframeable, nosniff, no-store, and an HttpOnly SameSite=Strict CSRF cookie of the interaction's own, scoped to /consent, living as long as it", async () => {
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
    const cookies = ([] as string[]).concat(r.headers['set-cookie'] ?? []);
    expect(cookies).toHaveLength(1);
    const cookie = cookies[0]!;
    expect(cookie.split(';')[0]).toBe(`authplane_consent_${x.server.port}_${i.uid}=${i.csrf}`);
    expect(cookie).toMatch(/;\s*httponly/i);
    expect(cookie).toMatch(/;\s*samesite=strict/i);
    expect(cookie).toMatch(/;\s*path=\/consent(;|$)/i);
    const maxAge = Number(/;\s*max-age=(\d+)/i.exec(cookie)?.[1]);
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(Math.ceil((i.expiresAt - s().deps.clock.now()) / 1000) + 1);
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
  it("another request's token or cookie, a missing cookie or a missing token are refused (403); the request stays pending", async () => {
    const a = newInteraction();
    const b = newInteraction();
    const approve = { action: 'approve', scope: 'read', sub: 'dev-user' };
    const attempts: Array<[string, Record<string, string>, Record<string, string>]> = [
      ["A's token and cookie for B", { interaction: b.uid, csrf: a.csrf, ...approve }, { cookie: pair(a.uid, a.csrf) }],
      ["B's token with A's cookie", { interaction: b.uid, csrf: b.csrf, ...approve }, { cookie: pair(a.uid, a.csrf) }],
      ["B's token with A's token under B's cookie name", { interaction: b.uid, csrf: b.csrf, ...approve }, { cookie: pair(b.uid, a.csrf) }],
      ["B's token with B's value under A's cookie name", { interaction: b.uid, csrf: b.csrf, ...approve }, { cookie: pair(a.uid, b.csrf) }],
      ["B's token with B's value under another port's cookie name", { interaction: b.uid, csrf: b.csrf, ...approve }, { cookie: `${consentCookieName(x.server.port + 1, b.uid)}=${b.csrf}` }],
      ["B's token with B's value in the old shared cookie", { interaction: b.uid, csrf: b.csrf, ...approve }, { cookie: `authplane_consent=${b.csrf}` }],
      ["B's token, no cookie", { interaction: b.uid, csrf: b.csrf, ...approve }, {}],
      ["B's cookie, no token", { interaction: b.uid, ...approve }, { cookie: pair(b.uid, b.csrf) }],
      ['an empty token and cookie', { interaction: b.uid, csrf: '', ...approve }, { cookie: pair(b.uid, '') }],
      ['the cookie value as both (forged pair)', { interaction: b.uid, csrf: 'forged-value-forged-value-12', ...approve }, { cookie: pair(b.uid, 'forged-value-forged-value-12') }],
    ];
    for (const [what, body, headers] of attempts) {
      const r = await post(body, headers);
      expect(r.status, what).toBe(403);
      expect(r.text, what).toMatch(/CSRF check failed/);
      expect(s().interactions.get(b.uid)?.outcome, what).toBeUndefined();
    }
    // A decision on A with A's pair works, and B is still pending.
    const ok = await post({ interaction: a.uid, csrf: a.csrf, ...approve }, { cookie: pair(a.uid, a.csrf) });
    expect(ok.status).toBe(303);
    expect(new URL(ok.headers.location!).searchParams.get('code')).toBeTruthy();
    expect(s().interactions.listPending().map((p) => p.uid)).toContain(b.uid);
  });

  it('a foreign Origin is refused before anything else, even with the right token and cookie', async () => {
    const i = newInteraction();
    for (const origin of ['http://evil.example', `http://127.0.0.1:${x.server.port + 1}`, `http://localhost:${x.server.port + 1}`, 'null']) {
      const r = await post({ interaction: i.uid, csrf: i.csrf, action: 'approve', scope: 'read' }, { origin, cookie: pair(i.uid, i.csrf) });
      expect(r.status, origin).toBe(403);
      expect(r.text).toMatch(/cannot be posted from another origin/);
    }
    expect(s().interactions.get(i.uid)?.outcome).toBeUndefined();
  });

  it('GET never decides anything', async () => {
    const i = newInteraction();
    const q = new URLSearchParams({ interaction: i.uid, csrf: i.csrf, action: 'approve', scope: 'read' });
    await request(`${x.server.issuer}/consent?${q}`, { headers: { cookie: pair(i.uid, i.csrf) } });
    expect(s().interactions.get(i.uid)?.outcome).toBeUndefined();
  });
});

describe('several consent pages open in one browser', () => {
  const approve = { action: 'approve', scope: 'read', sub: 'dev-user' };

  it('opening a second page leaves the first one working: approve the first, then the second, each clears its own cookie', async () => {
    const jar = new Jar();
    const a = newInteraction();
    const b = newInteraction();
    await open(jar, a.uid);
    await open(jar, b.uid);
    expect(jar.consentCookies().sort()).toEqual([consentCookieName(x.server.port, a.uid), consentCookieName(x.server.port, b.uid)].sort());
    for (const i of [a, b]) {
      const r = jar.take(await post({ interaction: i.uid, csrf: i.csrf, ...approve }, { cookie: jar.header() }));
      expect(r.status, i.uid).toBe(303);
      expect(new URL(r.headers.location!).searchParams.get('code')).toBeTruthy();
      expect(jar.consentCookies()).not.toContain(consentCookieName(x.server.port, i.uid));
    }
    expect(jar.consentCookies()).toEqual([]);
  });

  it(`a browser keeps at most ${MAX_CONSENT_COOKIES}: the oldest live ones go first, the newest still approve, the oldest answer 403`, async () => {
    const jar = new Jar();
    const all = Array.from({ length: MAX_CONSENT_COOKIES + 4 }, () => newInteraction());
    for (const i of all) {
      await open(jar, i.uid);
      expect(jar.consentCookies().length).toBeLessThanOrEqual(MAX_CONSENT_COOKIES);
    }
    const kept = all.slice(-MAX_CONSENT_COOKIES);
    expect(jar.consentCookies().sort()).toEqual(kept.map((i) => consentCookieName(x.server.port, i.uid)).sort());
    const evicted = all[0]!;
    const r = await post({ interaction: evicted.uid, csrf: evicted.csrf, ...approve }, { cookie: jar.header() });
    expect(r.status).toBe(403);
    expect(r.text).toMatch(/CSRF check failed/);
    // Reloading the evicted page gives it a cookie again (and evicts the oldest of the rest).
    await open(jar, evicted.uid);
    expect(jar.consentCookies()).toHaveLength(MAX_CONSENT_COOKIES);
    expect(jar.consentCookies()).toContain(consentCookieName(x.server.port, evicted.uid));
    expect(jar.consentCookies()).not.toContain(consentCookieName(x.server.port, kept[0]!.uid));
    const last = kept.at(-1)!;
    expect(jar.take(await post({ interaction: last.uid, csrf: last.csrf, ...approve }, { cookie: jar.header() })).status).toBe(303);
  });

  it('cookies of interactions that ended elsewhere are cleared: by the next page opened, and by the waiting page following the decision', async () => {
    const jar = new Jar();
    const decided = newInteraction();
    const gone = newInteraction();
    const waiting = newInteraction();
    for (const i of [decided, gone, waiting]) await open(jar, i.uid);
    jar.cookies.set(consentCookieName(x.server.port, 'no-such-interaction'), 'x');
    jar.cookies.set('authplane_consent', 'old-shared-cookie');
    await s().decisions.decide(decided.uid, { action: 'deny' });
    s().interactions.get(gone.uid)!.expiresAt = 0;
    const fresh = newInteraction();
    await open(jar, fresh.uid);
    expect(jar.consentCookies().sort()).toEqual([consentCookieName(x.server.port, waiting.uid), consentCookieName(x.server.port, fresh.uid)].sort());
    expect(jar.cookies.has('authplane_consent')).toBe(false);

    // The waiting page's long poll answers with the decision made in the window and drops the cookie.
    const poll = request(`${x.server.issuer}/consent/wait?interaction=${waiting.uid}`, { headers: { cookie: jar.header() } });
    // Decided in the window, whether the poll is already waiting or arrives just after.
    await s().decisions.decide(waiting.uid, { action: 'deny' });
    const r = jar.take(await poll);
    expect(JSON.parse(r.text).redirect).toMatch(/error=access_denied/);
    expect(jar.consentCookies()).toEqual([consentCookieName(x.server.port, fresh.uid)]);
  });

  it('cookie names it could not have set are left alone, never echoed back', async () => {
    const i = newInteraction();
    const odd = [`authplane_consent_${x.server.port}_a b\u00ff`, `authplane_consent_${x.server.port}_`, `authplane_consent_${x.server.port}_${'x'.repeat(200)}`];
    const r = await request(`${x.server.issuer}/consent?interaction=${i.uid}`, { headers: { accept: 'text/html', cookie: odd.map((n) => `${n}=v`).join('; ') } });
    expect(r.status).toBe(200);
    expect(([] as string[]).concat(r.headers['set-cookie'] ?? []).map((c) => c.split('=')[0])).toEqual([consentCookieName(x.server.port, i.uid)]);
  });
});
