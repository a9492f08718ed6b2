import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { authorizationUrl, discover, postForm } from '../helpers/oauthClient';
import { launchBrowser } from '../helpers/browser';
import { startCallbackServer } from '../helpers/callbackServer';
import { seedSingleMcp, startTestServer, type TestServer } from '../helpers/server';
import { MAX_CONSENT_COOKIES } from '../../server/oauth/consentCookie';

let s: TestServer;
let browser: BrowserContext;
let cb: Awaited<ReturnType<typeof startCallbackServer>>;

beforeAll(async () => {
  s = await startTestServer({ consent: 'prompt' });
  await seedSingleMcp(s);
  cb = await startCallbackServer();
  browser = await launchBrowser();
  // A step that hangs fails with its locator, well before the test timeout.
  browser.setDefaultTimeout(15_000);
});
afterAll(async () => {
  await browser?.close();
  await cb?.close();
  await s?.stop();
});

// Chromium shares 2 cores with the crash and fuzz suites in CI: allow for a slow first page.
describe('consent page in headless Chromium', { timeout: 60_000 }, () => {
  it('Approve completes the flow and the code redeems for a token', async () => {
    const as = await discover(s.issuer);
    const { url, verifier } = await authorizationUrl(as, { issuer: s.issuer, clientId: 'my-agent', redirectUri: cb.url, scope: 'read write', resource: 'mcp-a', state: 'browser-1' });
    const page = await browser.newPage();
    await page.goto(url.toString());
    await page.getByRole('checkbox', { name: /Write access/ }).uncheck();
    await page.getByRole('button', { name: 'Approve' }).click();
    // Waiting on the page first: a stuck navigation then fails with the URL it is stuck on.
    await page.waitForURL((u) => u.pathname === '/callback');
    const callback = await cb.forState('browser-1');
    const r = await postForm(`${s.issuer}/oauth/token`, { grant_type: 'authorization_code', code: callback.searchParams.get('code')!, code_verifier: verifier, client_id: 'my-agent', redirect_uri: cb.url });
    expect(r.status).toBe(200);
    expect(r.json.scope).toBe('read');
    await page.close();
  });

  it('Deny sends access_denied to the client', async () => {
    const as = await discover(s.issuer);
    const { url } = await authorizationUrl(as, { issuer: s.issuer, clientId: 'my-agent', redirectUri: cb.url, scope: 'read', resource: 'mcp-a', state: 'browser-2' });
    // The first test's approval is remembered; prompt=consent asks again.
    url.searchParams.set('prompt', 'consent');
    const page = await browser.newPage();
    await page.goto(url.toString());
    await page.getByRole('button', { name: 'Deny' }).click();
    await page.waitForURL((u) => u.pathname === '/callback');
    const callback = await cb.forState('browser-2');
    expect([callback.searchParams.get('error'), callback.searchParams.get('state'), callback.searchParams.get('iss')]).toEqual(['access_denied', 'browser-2', s.issuer]);
    await page.close();
  });

  it('two consent tabs open at once: Approve in the first, then in the second, both reach the client with a code', async () => {
    const as = await discover(s.issuer);
    const tabs = [];
    for (const state of ['tabs-1', 'tabs-2']) {
      const { url, verifier } = await authorizationUrl(as, { issuer: s.issuer, clientId: 'my-agent', redirectUri: cb.url, scope: 'read', resource: 'mcp-a', state });
      url.searchParams.set('prompt', 'consent');
      const page = await browser.newPage();
      await page.goto(url.toString());
      await page.getByRole('button', { name: 'Approve' }).waitFor();
      tabs.push({ page, verifier, state });
    }
    // Each page holds its own cookie, for as long as its request lives.
    const names = (await browser.cookies(`${s.issuer}/consent`)).filter((c) => c.name.startsWith('authplane_consent')).map((c) => c.name);
    for (const { page, verifier, state } of tabs) {
      const decision = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/consent');
      await page.getByRole('button', { name: 'Approve' }).click();
      const answer = await decision;
      expect(`${answer.status()} ${answer.status() === 303 ? '' : await answer.text()}`, state).toBe('303 ');
      await page.waitForURL((u) => u.pathname === '/callback');
      const callback = await cb.forState(state);
      const r = await postForm(`${s.issuer}/oauth/token`, { grant_type: 'authorization_code', code: callback.searchParams.get('code')!, code_verifier: verifier, client_id: 'my-agent', redirect_uri: cb.url });
      expect(r.status, state).toBe(200);
      await page.close();
    }
    expect(names).toHaveLength(2);
    // Both decided: neither cookie is left behind.
    expect((await browser.cookies(`${s.issuer}/consent`)).filter((c) => c.name.startsWith('authplane_consent'))).toEqual([]);
  });

  it(`a browser that opens many consent pages holds at most ${MAX_CONSENT_COOKIES} consent cookies, and the newest page still approves`, async () => {
    const as = await discover(s.issuer);
    const page = await browser.newPage();
    let last = { verifier: '', state: '' };
    for (let n = 0; n < MAX_CONSENT_COOKIES + 3; n++) {
      const state = `many-${n}`;
      const { url, verifier } = await authorizationUrl(as, { issuer: s.issuer, clientId: 'my-agent', redirectUri: cb.url, scope: 'read', resource: 'mcp-a', state });
      url.searchParams.set('prompt', 'consent');
      await page.goto(url.toString());
      await page.getByRole('button', { name: 'Approve' }).waitFor();
      last = { verifier, state };
    }
    const consentCookies = async () => (await browser.cookies(`${s.issuer}/consent`)).filter((c) => c.name.startsWith('authplane_consent'));
    expect(await consentCookies()).toHaveLength(MAX_CONSENT_COOKIES);
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL((u) => u.pathname === '/callback');
    const callback = await cb.forState(last.state);
    const r = await postForm(`${s.issuer}/oauth/token`, { grant_type: 'authorization_code', code: callback.searchParams.get('code')!, code_verifier: last.verifier, client_id: 'my-agent', redirect_uri: cb.url });
    expect(r.status).toBe(200);
    expect(await consentCookies()).toHaveLength(MAX_CONSENT_COOKIES - 1);
    await page.close();
  });
});
