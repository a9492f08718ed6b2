/**
 * MCP Inspector 1.0.3 (the v1 line, security fixes only; installed from the registry into .cache)
 * in Chromium: its Guided OAuth Flow step by step (discovery, DCR, authorization URL opened in a
 * new tab where Approve is clicked, the code pasted back, token), then a connection in
 * **Direct** mode: the page itself talks to the MCP server cross-origin, which needs the SDK
 * adapter's CORS (preflight answered before auth, WWW-Authenticate exposed).
 */
import type { ChildProcess } from 'node:child_process';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser';
import { freePort } from './helpers';
import { clientHome, inspector, issuances, PAST_ACCESS_TOKEN_EXPIRY, startNotesRig, spawnClient, stop, watch, type NotesRig } from './clientHarness';

const INSPECTOR = inspector('1.0.3');

let rig: NotesRig;
const browsers: BrowserContext[] = [];
let proc: ChildProcess;
let inspectorUrl: string;

beforeAll(async () => {
  rig = await startNotesRig();
  const home = await clientHome('authplane-inspector-v1-');
  const [client, server] = [await freePort(), await freePort()];
  proc = spawnClient(INSPECTOR.node, [INSPECTOR.entry, '--transport', 'http', '--server-url', rig.mcp.url], {
    env: { ...home.env, PATH: INSPECTOR.path, MCP_AUTO_OPEN_ENABLED: 'false', CLIENT_PORT: String(client), SERVER_PORT: String(server) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // (The URL carries the proxy's port and session token when SERVER_PORT is not the default.)
  inspectorUrl = (await watch(proc).until('stdout', /http:\/\/localhost:\d+\/\?\S*MCP_PROXY_AUTH_TOKEN=\w+/, 'the Inspector URL', 60_000))[0];
}, 90_000);
afterAll(async () => {
  await stop(proc);
  for (const b of browsers) await b.close();
  await rig?.close();
});

/** The text of the Guided OAuth Flow panel. */
const flowText = async (page: Page) => (await page.locator('body').innerText()).split('OAuth Flow Progress')[1] ?? '';

/**
 * A fresh tab (the v1 Inspector keeps tokens in sessionStorage) set to `mode`, through the Guided
 * OAuth Flow: discovery → registration → authorization URL, opened in a new tab where Approve is
 * clicked → the code from the debug callback pasted back → token. Returns the page and client.
 */
async function guidedFlow(mode: 'Direct' | 'Via Proxy') {
  const { s, mcp } = rig;
  // A browser of its own: the Inspector keeps settings (and the dismissed notice) in localStorage.
  const browser = await launchBrowser();
  browsers.push(browser);
  const page = await browser.newPage();
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  await page.goto(inspectorUrl);
  await page.getByRole('button', { name: 'Dismiss deprecation notice' }).click();
  await page.locator('#connection-type-select').click();
  await page.getByRole('option', { name: mode }).click();

  await page.getByRole('button', { name: 'Open Auth Settings' }).click();
  await page.getByRole('button', { name: 'Guided OAuth Flow' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByText('OAuth Metadata Sources').waitFor();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByText('Registered Client Information').waitFor();
  await page.getByRole('button', { name: 'Continue' }).click();
  const link = page.getByText(/\/oauth\/authorize\?/).first();
  const authUrl = new URL(await link.innerText());
  expect(authUrl.origin + authUrl.pathname).toBe(`${s.issuer}/oauth/authorize`);
  expect([authUrl.searchParams.get('code_challenge_method'), authUrl.searchParams.get('scope'), authUrl.searchParams.get('resource'), authUrl.searchParams.get('redirect_uri')]).toEqual([
    'S256',
    'read write',
    mcp.resource,
    `${new URL(inspectorUrl).origin}/oauth/callback/debug`,
  ]);
  const clientId = authUrl.searchParams.get('client_id')!;
  expect(s.services.clients.get(clientId)).toMatchObject({ registration_source: 'dcr', token_endpoint_auth_method: 'none' });

  // The link's button opens a new tab: Approve there; the debug callback shows the code to copy.
  const tabOpened = browser.waitForEvent('page');
  await link.locator('xpath=..').getByRole('button').first().click();
  const tab = await tabOpened;
  await tab.getByRole('button', { name: 'Approve' }).click();
  await tab.waitForURL(/\/oauth\/callback\/debug\?/);
  const callback = new URL(tab.url());
  expect(callback.searchParams.get('iss')).toBe(s.issuer);
  const code = callback.searchParams.get('code')!;
  await tab.getByText(code, { exact: true }).waitFor();
  await tab.close();

  await page.getByRole('textbox').last().fill(code);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByText('Access Tokens').or(page.getByText('Authentication Complete')).first().waitFor();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByText(/Authentication successful|Authentication Complete/).first().waitFor();
  expect(await flowText(page)).not.toMatch(/Error:/);
  expect((await issuances(s, clientId)).map((i) => i.grant)).toEqual(['authorization_code']);

  // Connect with the token from the guided flow, and open whoami.
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await page.getByText('Connected', { exact: true }).waitFor();
  await page.getByRole('tab', { name: 'Tools' }).click();
  await page.getByRole('button', { name: 'List Tools' }).click();
  await page.getByText('whoami', { exact: true }).click();
  return { page, clientId, consoleErrors };
}

/**
 * Runs whoami and reads its result, a JSON tree ("key:" then the quoted value on the next line);
 * the history count says when the n-th request has been answered.
 */
async function runWhoami(page: Page, n: number, outcome: 'Success' | 'Error' = 'Success') {
  await page.getByRole('button', { name: 'Run Tool' }).click();
  await page.getByText(`${n}. tools/call`).waitFor();
  await page.getByText(`Tool Result: ${outcome}`).waitFor();
  const text = (await page.locator('body').innerText()).split(`Tool Result: ${outcome}`)[1]!;
  const field = (name: string) => new RegExp(`${name}:\\n"([^"]*)"`).exec(text)?.[1];
  return { text, subject: field('subject'), client_id: field('client_id'), expires_at: field('expires_at')! };
}

describe(`MCP Inspector ${INSPECTOR.version}`, () => {
  it('Guided OAuth Flow, connected Via Proxy: tools listed, whoami called; after real expiry its proxy hides the 401 (no refresh)', async () => {
    const { page, clientId } = await guidedFlow('Via Proxy');
    expect(await runWhoami(page, 3)).toMatchObject({ subject: 'dev-user', client_id: clientId });

    // Inspector 1.0.3 cannot refresh here (docs/compatibility.md): its proxy turns the MCP
    // server's 401 into an MCP error, so the page never sees the challenge. Evidence pinned.
    rig.advance(PAST_ACCESS_TOKEN_EXPIRY);
    const failed = await runWhoami(page, 4, 'Error');
    expect(failed.text).toMatch(/MCP error -32099: Streamable HTTP error: Error POSTing to endpoint: \{"error":"invalid_token","error_description":"token expired at /);
    expect((await issuances(rig.s, clientId)).map((i) => i.grant)).toEqual(['authorization_code']);
    await page.close();
  });

  it('Guided OAuth Flow, connected Direct (browser → MCP server cross-origin, CORS): no CORS error; its refresh sends a broken Content-Type', async () => {
    const { page, clientId, consoleErrors } = await guidedFlow('Direct');
    expect(await runWhoami(page, 3)).toMatchObject({ subject: 'dev-user', client_id: clientId });
    // PRM, /mcp and AuthPlane pass CORS. The SDK bundled in the page also probes the MCP server's
    // origin for RFC 8414 / OIDC metadata (its 2025-03-26 fallback); the example server serves
    // neither, and its 404 carries no CORS headers, so Chromium logs those two probes only.
    const origin = new URL(rig.mcp.url).origin;
    expect(consoleErrors.filter((e) => /CORS/i.test(e) && !e.startsWith(`Access to fetch at '${origin}/.well-known/oauth-authorization-server'`) && !e.startsWith(`Access to fetch at '${origin}/.well-known/openid-configuration'`))).toEqual([]);

    // Inspector 1.0.3's bug, pinned as evidence (docs/compatibility.md): in Direct mode its
    // transport merges its own "Content-Type: application/json" into the refresh request, which
    // then carries two content types; AuthPlane answers 415 and issues nothing.
    rig.advance(PAST_ACCESS_TOKEN_EXPIRY);
    const failed = await runWhoami(page, 4, 'Error');
    expect(failed.text).toContain('content type must be application/x-www-form-urlencoded (got application/json, application/x-www-form-urlencoded)');
    expect((await issuances(rig.s, clientId)).map((i) => i.grant)).toEqual(['authorization_code']);
    await page.close();
  });
});
