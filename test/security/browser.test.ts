/**
 * A web page in the developer's browser against AuthPlane, in real headless Chromium.
 *
 * The developer is signed in to the UI (session cookie) and has a consent prompt open. An
 * attacker page is served from another loopback port (and from "localhost", another site). It
 * tries to frame the consent page, to post an approval (form, sandboxed form, fetch), to create a
 * client and read tokens through the admin and UI APIs (with the developer's cookies), and a
 * rebound host name (rebind.test → 127.0.0.1) is refused outright. Everything fails, the server
 * state is unchanged, and the developer's own approval still works afterwards.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUiSession } from '../../server/ui/index';
import { CHROMIUM_PATH, launchBrowser } from '../helpers/browser';
import { startCallbackServer } from '../helpers/callbackServer';
import { authorizationUrl, discover, postForm } from '../helpers/oauthClient';
import { seededServer, type Seeded } from './lib/routes';

let x: Seeded;
let browser: BrowserContext;
let cb: Awaited<ReturnType<typeof startCallbackServer>>;
let attacker: Server;
let evil = '';
let evilLocalhost = '';
let consentPage: Page;
let uid = '';
let csrf = '';
let verifier = '';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The attacker's web server: pages that try, and report what they got in window.__results. */
function attackerServer(): Server {
  return createServer((req, res) => {
    const u = new URL(req.url!, 'http://x');
    const q = Object.fromEntries(u.searchParams);
    res.setHeader('content-type', 'text/html');
    if (u.pathname === '/frame') {
      res.end(`<!doctype html><h1>cute cats</h1><iframe id="f" src="${esc(q.src!)}" width="800" height="600"></iframe>`);
    } else if (u.pathname === '/form') {
      const fields = JSON.parse(q.fields!) as Record<string, string>;
      res.end(`<!doctype html><form id="f" method="POST" action="${esc(q.action!)}">${Object.entries(fields).map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`).join('')}</form><script>document.getElementById('f').submit()</script>`);
    } else if (u.pathname === '/sandboxed-form') {
      const fields = JSON.parse(q.fields!) as Record<string, string>;
      const inner = `<form method="POST" action="${esc(q.action!)}">${Object.entries(fields).map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`).join('')}</form><script>document.forms[0].submit()<\/script>`;
      res.end(`<!doctype html><iframe sandbox="allow-forms allow-scripts" srcdoc="${esc(inner)}"></iframe>`);
    } else if (u.pathname === '/attacks') {
      res.end(`<!doctype html><script>
const T = ${JSON.stringify(q.target)}, UID = ${JSON.stringify(q.uid)}, CSRF = ${JSON.stringify(q.csrf)};
const results = {};
async function attempt(name, fn) {
  try { results[name] = await fn(); } catch (e) { results[name] = 'blocked: ' + e.name; }
}
const form = new URLSearchParams({ interaction: UID, csrf: CSRF, action: 'approve', scope: 'read', sub: 'dev-user' });
(async () => {
  await attempt('fetch POST /consent (no-cors, with cookies)', async () => { const r = await fetch(T + '/consent', { method: 'POST', mode: 'no-cors', credentials: 'include', body: form }); return 'opaque:' + r.type; });
  await attempt('fetch POST /consent (cors)', async () => { const r = await fetch(T + '/consent', { method: 'POST', credentials: 'include', body: form }); return 'READ ' + r.status + ' ' + (await r.text()).slice(0, 50); });
  await attempt('fetch POST /admin/api/clients (json, cors)', async () => { const r = await fetch(T + '/admin/api/clients', { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_name: 'evil', client_id: 'evil-cors', redirect_uris: ['https://evil.example/cb'] }) }); return 'READ ' + r.status; });
  await attempt('fetch POST /admin/api/clients (text/plain, no-cors, with cookies)', async () => { const r = await fetch(T + '/admin/api/clients', { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ client_name: 'evil', client_id: 'evil-nocors', redirect_uris: ['https://evil.example/cb'] }) }); return 'opaque:' + r.type; });
  await attempt('fetch POST /admin/api/users (form, no-cors, with cookies)', async () => { const r = await fetch(T + '/admin/api/users', { method: 'POST', mode: 'no-cors', credentials: 'include', body: new URLSearchParams({ sub: 'mallory' }) }); return 'opaque:' + r.type; });
  await attempt('fetch POST /admin/api/interactions/:uid/decision (no-cors, with cookies)', async () => { const r = await fetch(T + '/admin/api/interactions/' + UID + '/decision', { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ action: 'approve', scopes: ['read'] }) }); return 'opaque:' + r.type; });
  await attempt('fetch GET /admin/api/issuances (cors, with cookies)', async () => { const r = await fetch(T + '/admin/api/issuances', { credentials: 'include' }); return 'READ ' + r.status + ' ' + (await r.text()).slice(0, 80); });
  await attempt('fetch GET /admin/api/clients (Authorization guess)', async () => { const r = await fetch(T + '/admin/api/clients', { headers: { authorization: 'Bearer guess' } }); return 'READ ' + r.status; });
  await attempt('fetch GET /admin/api/events (cors, with cookies)', async () => { const r = await fetch(T + '/admin/api/events', { credentials: 'include' }); return 'READ ' + r.status; });
  await attempt('fetch GET /ui/api/prm (cors, with cookies)', async () => { const r = await fetch(T + '/ui/api/prm?resource=mcp-a', { credentials: 'include' }); return 'READ ' + r.status + ' ' + (await r.text()).slice(0, 80); });
  await attempt('fetch POST /ui/api/login-link (no-cors, with cookies)', async () => { const r = await fetch(T + '/ui/api/login-link', { method: 'POST', mode: 'no-cors', credentials: 'include' }); return 'opaque:' + r.type; });
  await attempt('fetch GET /consent/wait (cors)', async () => { const r = await fetch(T + '/consent/wait?interaction=nope', { credentials: 'include' }); return 'READ ' + r.status; });
  await attempt('fetch GET /consent/wait on the pending prompt (cors, gives up after 3 s)', async () => { const r = await fetch(T + '/consent/wait?interaction=' + UID, { credentials: 'include', signal: AbortSignal.timeout(3000) }); return 'READ ' + r.status + ' ' + (await r.text()); });
  await attempt('fetch GET /consent page (cors, to read the CSRF token)', async () => { const r = await fetch(T + '/consent?interaction=' + UID, { credentials: 'include' }); return 'READ ' + (await r.text()).slice(0, 80); });
  await attempt('fetch GET /oauth/authorize (no-cors, redirect manual)', async () => { const r = await fetch(T + '/oauth/authorize?response_type=code&client_id=browser-agent', { mode: 'no-cors', redirect: 'manual', credentials: 'include' }); return 'opaque:' + r.type + ':' + (r.headers.get('location') ?? 'no location'); });
  await attempt('<script src> the admin API', () => new Promise((resolve) => { const s = document.createElement('script'); s.src = T + '/admin/api/clients'; s.onload = () => resolve('LOADED'); s.onerror = () => resolve('blocked: error event'); document.head.appendChild(s); }));
  await attempt('window.open the consent page and read it', () => new Promise((resolve) => { const w = window.open(T + '/consent?interaction=' + UID); setTimeout(() => { try { resolve('READ ' + w.document.body.innerHTML.slice(0, 50)); } catch (e) { resolve('blocked: ' + e.name); } finally { w && w.close(); } }, 1000); }));
  window.__results = results;
})();
</script>`);
    } else {
      res.end('<!doctype html><p>nothing</p>');
    }
  });
}

async function snapshotState(): Promise<string> {
  const st = x.server.store;
  return JSON.stringify({
    resources: st.resources.list(),
    clients: st.clients.list(),
    users: st.users.list(),
    consents: st.consents.list(),
    keys: st.keys.list().map((k) => k.kid),
    families: st.families.size(),
    issuances: st.issuances.count(),
    outcome: x.server.services.interactions.get(uid)?.outcome ?? null,
  });
}

beforeAll(async () => {
  x = await seededServer();
  cb = await startCallbackServer();
  await x.server.services.clients.create({ client_name: 'browser-agent', client_id: 'browser-agent', redirect_uris: [cb.url], grant_types: ['authorization_code', 'refresh_token'], token_endpoint_auth_method: 'none' });
  attacker = attackerServer();
  await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', r));
  const port = (attacker.address() as AddressInfo).port;
  evil = `http://127.0.0.1:${port}`;
  evilLocalhost = `http://localhost:${port}`;
  browser = await launchBrowser();

  // The developer signs in to the UI (session cookie in this browser)…
  const login = await browser.newPage();
  await login.goto(createUiSession(x.server.issuer).url);
  expect((await browser.cookies(x.server.issuer)).some((c) => c.name === `authplane_ui_${x.server.port}`)).toBe(true);
  await login.close();
  // …and starts an authorization: the consent page is open in a tab (consent cookie set).
  const as = await discover(x.server.issuer);
  const a = await authorizationUrl(as, { issuer: x.server.issuer, clientId: 'browser-agent', redirectUri: cb.url, scope: 'read', resource: 'mcp-a', state: 'dev-flow' });
  verifier = a.verifier;
  consentPage = await browser.newPage();
  await consentPage.goto(a.url.toString());
  uid = new URL(consentPage.url()).searchParams.get('interaction')!;
  csrf = x.server.services.interactions.get(uid)!.csrf;
  expect(await consentPage.getByRole('button', { name: 'Approve' }).isVisible()).toBe(true);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => attacker?.close(r));
  await cb?.close();
  await x?.server.stop();
});

describe('an attacker page on another loopback port, in the same browser', () => {
  it('cannot frame the consent page (frame-ancestors none, X-Frame-Options DENY)', async () => {
    for (const origin of [evil, evilLocalhost]) {
      const page = await browser.newPage();
      const refusals: string[] = [];
      page.on('console', (m) => refusals.push(m.text()));
      await page.goto(`${origin}/frame?src=${encodeURIComponent(`${x.server.issuer}/consent?interaction=${uid}`)}`);
      await page.waitForTimeout(500);
      const child = page.frames().find((f) => f !== page.mainFrame())!;
      expect(child).toBeDefined();
      const html = await child.content().catch(() => '');
      expect(html).not.toContain('Approve');
      expect(html).not.toContain(csrf);
      expect(refusals.join('\n')).toMatch(/frame-ancestors 'none'|X-Frame-Options/);
      await page.close();
    }
  });

  it('cannot post an approval with a form, even knowing the interaction id and CSRF token (403, still pending)', async () => {
    const before = await snapshotState();
    const fields = JSON.stringify({ interaction: uid, csrf, action: 'approve', scope: 'read', sub: 'dev-user' });
    for (const [what, url] of [
      ['form from 127.0.0.1:<other port>', `${evil}/form?action=${encodeURIComponent(`${x.server.issuer}/consent`)}&fields=${encodeURIComponent(fields)}`],
      ['form from localhost:<other port>', `${evilLocalhost}/form?action=${encodeURIComponent(`${x.server.issuer}/consent`)}&fields=${encodeURIComponent(fields)}`],
    ] as const) {
      const page = await browser.newPage();
      const answer = page.waitForResponse((r) => r.url() === `${x.server.issuer}/consent` && r.request().method() === 'POST');
      await page.goto(url);
      const r = await answer;
      expect(r.status(), what).toBe(403);
      expect(await r.text(), what).toMatch(/cannot be posted from another origin/);
      await page.close();
    }
    // A sandboxed frame posts with Origin: null: refused too (the 403 page then refuses to render in the frame).
    const page = await browser.newPage();
    const refusals: string[] = [];
    page.on('console', (m) => refusals.push(m.text()));
    await page.goto(`${evil}/sandboxed-form?action=${encodeURIComponent(`${x.server.issuer}/consent`)}&fields=${encodeURIComponent(fields)}`);
    const seen = async () => x.server.services.activity.list(50).find((e) => e.method === 'POST' && e.path === '/consent' && /another origin \(null\)/.test(e.error_description ?? ''));
    for (let i = 0; i < 50 && !(await seen()); i++) await page.waitForTimeout(100);
    expect((await seen())?.status).toBe(403);
    expect(refusals.join('\n')).toMatch(/frame-ancestors 'none'/);
    await page.close();
    expect(cb.hits.filter((h) => h.searchParams.get('state') === 'dev-flow')).toEqual([]);
    expect(await snapshotState()).toBe(before);
  });

  it('cannot create a client, read tokens or decide the prompt through the admin or UI API, with or without the developer cookies', async () => {
    const before = await snapshotState();
    for (const origin of [evil, evilLocalhost]) {
      const page = await browser.newPage();
      await page.goto(`${origin}/attacks?target=${encodeURIComponent(x.server.issuer)}&uid=${uid}&csrf=${csrf}`);
      const results = (await page.waitForFunction(() => (window as unknown as { __results?: unknown }).__results, undefined, { timeout: 20_000 }).then((h) => h.jsonValue())) as Record<string, string>;
      console.log(`attacks from ${origin}:\n${Object.entries(results).map(([k, v]) => `  ${k}: ${v}`).join('\n')}`);
      expect(Object.keys(results).length).toBe(17);
      for (const [name, outcome] of Object.entries(results)) {
        // Nothing read: every attempt is blocked by the browser or comes back opaque.
        expect(outcome, name).toMatch(/^blocked: |^opaque:(opaque|opaqueredirect)/);
        expect(outcome, name).not.toMatch(/READ|LOADED|code=/);
      }
      await page.close();
    }
    expect(x.server.services.clients.get('evil-cors')).toBeUndefined();
    expect(x.server.services.clients.get('evil-nocors')).toBeUndefined();
    expect(x.server.services.users.get('mallory')).toBeUndefined();
    expect(cb.hits.filter((h) => h.searchParams.get('state') === 'dev-flow')).toEqual([]);
    expect(await snapshotState()).toBe(before);
  });

  it('a rebound host name (rebind.test → 127.0.0.1) gets 421 for the consent page, the admin API and the UI', async () => {
    const b = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox', '--disable-gpu', `--host-resolver-rules=MAP rebind.test 127.0.0.1`] });
    try {
      const page = await b.newPage();
      for (const path of [`/consent?interaction=${uid}`, '/admin/api/status', '/ui/', '/oauth/authorize?client_id=browser-agent', '/.well-known/oauth-authorization-server']) {
        const r = await page.goto(`http://rebind.test:${x.server.port}${path}`);
        expect(r?.status(), path).toBe(421);
        expect(await page.content()).not.toContain(csrf);
      }
    } finally {
      await b.close();
    }
  });

  it("after all that, the developer's own approval works", async () => {
    await consentPage.getByRole('button', { name: 'Approve' }).click();
    const callback = await cb.forState('dev-flow');
    const r = await postForm(`${x.server.issuer}/oauth/token`, { grant_type: 'authorization_code', code: callback.searchParams.get('code')!, code_verifier: verifier, client_id: 'browser-agent', redirect_uri: cb.url });
    expect(r.status).toBe(200);
    expect(r.json.access_token).toBeTruthy();
  });
});
