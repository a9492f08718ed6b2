/**
 * Browser sign-in (Jupyter style): the one-time link sets an HttpOnly, SameSite=Strict session
 * cookie and leaves the address bar clean; without the cookie the UI explains how to get in and
 * the server gives no data. The admin API accepts the cookie through its `authenticate` hook.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { createAdminRouter } from '../../server/admin/router';
import { errorHandler } from '../../server/http/errorHandler';
import { securityHeaders } from '../../server/http/guards';
import { silentLogger } from '../../server/log';
import { authenticate, createUiRouter, sessionCookieName, uiLoginUrl, UI_CSP } from '../../server/ui';
import { launchBrowser } from '../helpers/browser';
import { seedSingleMcp, type TestServer } from '../helpers/server';
import { ensureRendererBuilt } from './helpers/renderer';
import { screenshot, startUiServer } from './helpers/ui';

let s: TestServer;
/** The app as `authserver serve` wires it: the admin router consults the UI session cookie. */
let wired: Server;
let base: string;
let port: number;

beforeAll(async () => {
  s = await startUiServer();
  await seedSingleMcp(s);
  const rendererDir = await ensureRendererBuilt();
  const app = new Koa();
  app.silent = true;
  app.use(securityHeaders);
  app.use(errorHandler(silentLogger));
  const admin = createAdminRouter(s.services, { adminToken: s.adminToken, authenticate });
  app.use(admin.middleware());
  app.use(createUiRouter(s.services, { adminToken: s.adminToken, rendererDir }).middleware());
  wired = createServer(app.callback());
  await new Promise<void>((r) => wired.listen(0, '127.0.0.1', r));
  port = (wired.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
}, 120_000);
afterAll(async () => {
  wired?.closeAllConnections();
  await new Promise((r) => wired?.close(r));
  await s?.stop();
});

/** A sign-in link for the wired server (its issuer is the test server's; the port differs). */
function loginLink(): string {
  return uiLoginUrl(s.issuer).replace(s.issuer, base);
}

describe('sign-in link over HTTP', () => {
  it('trades the token for an HttpOnly SameSite=Strict cookie and redirects without it', async () => {
    const res = await fetch(`${loginLink()}&x=1`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/ui/?x=1');
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(new RegExp(`^${sessionCookieName(port)}=[\\w-]{40,};`));
    expect(cookie.toLowerCase()).toContain('httponly');
    expect(cookie.toLowerCase()).toContain('samesite=strict');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const sid = cookie.split(';')[0]!;
    const session = await (await fetch(`${base}/ui/api/session`, { headers: { cookie: sid } })).json();
    expect(session).toEqual({ authenticated: true, via: 'cookie', issuer: s.issuer });
    const resources = await fetch(`${base}/admin/api/resources`, { headers: { cookie: sid } });
    expect(resources.status).toBe(200);
    // The same cookie means nothing to another server (cookies are shared across ports).
    const other = await fetch(`${s.issuer}/admin/api/resources`, { headers: { cookie: sid.replace(sessionCookieName(port), sessionCookieName(s.port)) } });
    expect(other.status).toBe(401);
    // Signing out ends the session.
    expect((await fetch(`${base}/ui/api/logout`, { method: 'POST', headers: { cookie: sid } })).status).toBe(204);
    expect((await fetch(`${base}/admin/api/resources`, { headers: { cookie: sid } })).status).toBe(401);
  });

  it('accepts a link once', async () => {
    const link = loginLink();
    expect((await fetch(link, { redirect: 'manual' })).headers.get('set-cookie')).toBeTruthy();
    const again = await fetch(link, { redirect: 'manual' });
    expect(again.status).toBe(303);
    expect(again.headers.get('set-cookie')).toBeNull();
    expect(again.headers.get('location')).toBe('/ui/?login=used');
  });

  it('serves the UI with a strict CSP, redirects / and /ui, and refuses data without a session', async () => {
    const root = await fetch(`${s.issuer}/`, { redirect: 'manual' });
    expect([root.status, root.headers.get('location')]).toEqual([302, '/ui/']);
    const bare = await fetch(`${s.issuer}/ui`, { redirect: 'manual' });
    expect([bare.status, bare.headers.get('location')]).toEqual([301, '/ui/']);
    const page = await fetch(`${s.issuer}/ui/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(UI_CSP);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    const html = await page.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
    const deep = await fetch(`${s.issuer}/ui/resources/mcp-a`);
    expect(deep.status).toBe(200);
    expect((await fetch(`${s.issuer}/ui/assets/nope.js`)).status).toBe(404);
    expect((await fetch(`${s.issuer}/ui/..%2f..%2fpackage.json`)).status).not.toBe(200);
    expect(await (await fetch(`${s.issuer}/ui/api/session`)).json()).toEqual({ authenticated: false, issuer: s.issuer });
    expect((await fetch(`${s.issuer}/ui/api/prm?resource=mcp-a`)).status).toBe(401);
    expect((await fetch(`${s.issuer}/ui/api/prm?resource=mcp-a`, { headers: { authorization: `Bearer ${s.adminToken}` } })).status).toBe(200);
    // A fresh link for whoever holds the admin token; never from a foreign page.
    const link = await fetch(`${s.issuer}/ui/api/login-link`, { method: 'POST', headers: { authorization: `Bearer ${s.adminToken}` } });
    expect(((await link.json()) as { url: string }).url).toMatch(new RegExp(`^${s.issuer}/ui/\\?token=`));
    expect((await fetch(`${s.issuer}/ui/api/login-link`, { method: 'POST', headers: { authorization: `Bearer ${s.adminToken}`, origin: 'http://evil.example' } })).status).toBe(403);
  });
});

describe('sign-in in Chromium', () => {
  let browser: BrowserContext;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => browser?.close());

  it('the link signs in, the token leaves the address bar, the data shows', async () => {
    const page = await browser.newPage();
    await page.goto(loginLink());
    await page.getByRole('heading', { name: 'Consent prompts', level: 1 }).waitFor();
    expect(page.url()).toBe(`${base}/ui/`);
    const cookie = (await browser.cookies(base)).find((c) => c.name === sessionCookieName(port));
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    // The page's script cannot read it.
    expect(await page.evaluate(() => document.cookie)).not.toContain('authplane_ui');
    await page.evaluate(() => (location.hash = '#/resources'));
    await page.getByRole('link', { name: 'MCP A' }).waitFor();
    await page.close();
  });

  it('without a session: how to get in, and no data', async () => {
    const fresh = await launchBrowser();
    try {
      const page = await fresh.newPage();
      const dataCalls: string[] = [];
      page.on('response', (r) => {
        if (r.url().includes('/admin/api/') && r.status() === 200) dataCalls.push(r.url());
      });
      await page.goto(`${base}/ui/#/issuances`);
      await page.getByRole('heading', { name: 'Sign in with the link from your terminal' }).waitFor();
      await expect(page.getByRole('navigation', { name: 'Main' }).count()).resolves.toBe(0);
      const status = await page.evaluate(async () => (await fetch('/admin/api/issuances')).status);
      expect(status).toBe(401);
      expect(dataCalls).toEqual([]);
      await screenshot(page, 'login-how-to-get-in');
      // A link used before says so.
      const used = loginLink();
      await fetch(used, { redirect: 'manual' });
      await page.goto(used);
      await page.getByText('That sign-in link was already used').waitFor();
      expect(page.url()).toBe(`${base}/ui/`);
      // The way back is a command, not a curl that pastes the admin token into shell history.
      const body = await page.locator('main').innerText();
      expect(body).toContain('npx authserver ui-link');
      expect(body).not.toContain('admin-token');
    } finally {
      await fresh.close();
    }
  });
});
