/**
 * The window's Flows view against a real server in real Chromium: a scripted client runs a real
 * authorization-code flow (and a refresh) and one that fails on a resource mismatch; the window
 * shows both live, opens a flow as a timeline with the failed step in red and explained, reveals
 * secrets only when asked, gives each step as curl, and exports the flow as HAR that parses.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { authorize, discover, postForm } from '../helpers/oauthClient';
import { seedSingleMcp } from '../helpers/server';
import { screenshot, uiErrors } from './helpers/ui';
import { useWindow } from './helpers/useWindow';

const MCP = 'http://127.0.0.1:3001/mcp';
const CALLBACK = 'http://127.0.0.1:8765/callback';

const ui = useWindow({
  serve: { consent: 'auto' },
  seed: (s) => seedSingleMcp(s, MCP),
  stepTimeout: 20_000,
  open: {
    hash: '#/flows',
    ready: async (win) => {
      win.setDefaultTimeout(20_000);
      await win.setViewportSize({ width: 1360, height: 900 });
      await win.getByRole('heading', { name: 'Flows', level: 1 }).waitFor();
    },
  },
});

/** A client's whole authorization: authorize (consent auto), code exchange, one refresh. */
async function goodFlow() {
  const as = await discover(ui.server.issuer);
  const { callback, verifier } = await authorize(as, { issuer: ui.server.issuer, clientId: 'my-agent', scope: 'read', resource: MCP, redirectUri: CALLBACK });
  const code = callback.searchParams.get('code')!;
  const t = await postForm(`${ui.server.issuer}/oauth/token`, { grant_type: 'authorization_code', code, code_verifier: verifier, client_id: 'my-agent', redirect_uri: CALLBACK, resource: MCP });
  expect(t.status).toBe(200);
  const r = await postForm(`${ui.server.issuer}/oauth/token`, { grant_type: 'refresh_token', refresh_token: String(t.json.refresh_token), client_id: 'my-agent' });
  expect(r.status).toBe(200);
  return { verifier, code };
}

/** The client names its MCP server by another host than the one registered: invalid_target. */
async function mismatchedResource(clientId = 'my-agent') {
  const as = await discover(ui.server.issuer);
  const url = new URL(as.authorization_endpoint!);
  for (const [k, v] of Object.entries({ response_type: 'code', client_id: clientId, redirect_uri: CALLBACK, scope: 'read', resource: 'http://localhost:3001/mcp', state: 'st-1', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' })) url.searchParams.set(k, v);
  const res = await fetch(url, { redirect: 'manual' });
  const back = new URL(res.headers.get('location')!);
  expect(back.searchParams.get('error')).toBe('invalid_target');
}

const item = (clientText: string | RegExp, outcome: string) => ui.win.getByRole('list', { name: 'Flows, newest first' }).getByRole('link').filter({ hasText: clientText }).filter({ hasText: outcome });

describe('Flows view', () => {
  it('starts empty, saying how to start a flow', async () => {
    await ui.win.getByRole('heading', { name: 'No flows yet' }).waitFor();
    await expect(ui.win.getByLabel('connect command', { exact: true }).textContent()).resolves.toContain(`npx authserver connect ${MCP}`);
    await screenshot(ui.win, 'flows-empty');
  });

  it('shows flows live, opens one as a timeline, explains the failed step, reveals on request, gives curl and HAR', async () => {
    const { verifier } = await goodFlow();
    await mismatchedResource();

    // Both arrive on the event stream: no reload.
    await item('my-agent', 'Succeeded').waitFor();
    await item('my-agent', 'Failed').waitFor();
    const links = ui.win.getByRole('list', { name: 'Flows, newest first' }).getByRole('link');
    await expect(links.first().textContent()).resolves.toContain('Failed'); // newest first

    // The failed flow: its authorize step is red, with the server's explanation and the fix.
    await item('my-agent', 'Failed').click();
    const timeline = ui.win.getByRole('list', { name: 'Flow steps' });
    const failed = timeline.locator('li.fail');
    await failed.first().waitFor();
    await expect(failed.count()).resolves.toBe(1);
    await expect(failed.locator('.tl-title').textContent()).resolves.toBe('Authorization request');
    await expect(failed.locator('.tl-meta').textContent()).resolves.toMatch(/30[23]/);
    const why = failed.getByRole('note', { name: 'Why this step failed' });
    await expect(why.textContent()).resolves.toContain('http://localhost:3001/mcp');
    await expect(why.locator('.fix dd').textContent()).resolves.toContain(MCP);
    await expect(ui.win.locator('.flow-failed').textContent()).resolves.toMatch(/^Failed at Authorization request/);
    for (const scheme of ['light', 'dark'] as const) {
      await ui.win.emulateMedia({ colorScheme: scheme });
      await screenshot(ui.win, `flows-failed-${scheme}`);
    }
    await ui.win.emulateMedia({ colorScheme: 'light' });
    // The smallest window: nothing overflows sideways.
    await ui.win.setViewportSize({ width: 800, height: 600 });
    await expect(ui.win.evaluate(() => document.documentElement.scrollWidth <= innerWidth && [...document.querySelectorAll('.flows-split *')].every((e) => e.getBoundingClientRect().right <= innerWidth + 0.5))).resolves.toBe(true);
    await screenshot(ui.win, 'flows-failed-800');
    await ui.win.setViewportSize({ width: 1360, height: 900 });

    // The good flow: authorize → token → refresh, all green.
    await item('my-agent', 'Succeeded').click();
    await ui.win.locator('.flow-detail .badge', { hasText: 'Succeeded' }).waitFor();
    await expect(timeline.locator('li.fail').count()).resolves.toBe(0);
    const titles = await timeline.locator('.tl-title').allTextContents();
    expect(titles).toEqual(expect.arrayContaining(['Authorization request', 'Token request (code exchange)', 'Token request (refresh)']));
    const exchange = timeline.locator('li', { hasText: 'Token request (code exchange)' });
    await exchange.getByRole('button', { expanded: false }).click();
    const body = exchange.getByLabel('Request body');
    await expect(body.textContent()).resolves.toContain(`code_verifier=${verifier.slice(0, 4)}••••`);
    await expect(body.textContent()).resolves.not.toContain(verifier);
    await expect(exchange.getByLabel('curl command').textContent()).resolves.toMatch(/^curl .*-X POST '?http:\/\/127\.0\.0\.1:\d+\/oauth\/token/);
    await ui.browser.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: ui.server.issuer });
    await exchange.getByRole('button', { name: 'Copy as curl' }).click();
    await exchange.getByRole('button', { name: 'Copied' }).waitFor();
    await expect(ui.win.evaluate(() => navigator.clipboard.readText())).resolves.toBe(await exchange.getByLabel('curl command').textContent());
    for (const scheme of ['light', 'dark'] as const) {
      await ui.win.emulateMedia({ colorScheme: scheme });
      await screenshot(ui.win, `flows-exchange-${scheme}`);
    }
    await ui.win.emulateMedia({ colorScheme: 'light' });

    // The HAR download parses, one entry per step, masked.
    const [download] = await Promise.all([ui.win.waitForEvent('download'), ui.win.getByRole('button', { name: 'Export HAR' }).click()]);
    const har = JSON.parse(await readFile((await download.path())!, 'utf8'));
    expect(har.log.version).toBe('1.2');
    expect(har.log.entries).toHaveLength(titles.length);
    expect(JSON.stringify(har)).not.toContain(verifier);

    // Reveal: an explicit, local action; the verifier then shows, and hides again.
    await ui.win.getByRole('button', { name: 'Reveal secrets' }).click();
    await ui.win.getByRole('status').filter({ hasText: 'Secrets revealed' }).waitFor();
    await ui.win.waitForFunction((v) => document.querySelector('[aria-label="Request body"]')?.textContent?.includes(v), verifier);
    await expect(exchange.getByLabel('curl command').textContent()).resolves.toContain(verifier);
    await ui.win.getByRole('button', { name: 'Hide secrets' }).click();
    await ui.win.waitForFunction((v) => !document.querySelector('[aria-label="Request body"]')?.textContent?.includes(v), verifier);

    // Keyboard: the flows are links, the steps' toggles buttons in order.
    await links.first().focus();
    await ui.win.keyboard.press('Enter');
    await ui.win.locator('.flow-failed').waitFor();
    expect(uiErrors(ui.win)).toEqual([]);
  });

  it('an open flow grows live: the code exchange appears on its timeline as the client makes it', async () => {
    const as = await discover(ui.server.issuer);
    const { callback, verifier } = await authorize(as, { issuer: ui.server.issuer, clientId: 'my-agent', scope: 'read', resource: MCP, redirectUri: CALLBACK });
    const newest = ui.win.getByRole('list', { name: 'Flows, newest first' }).getByRole('link').first();
    await newest.filter({ hasText: 'In progress' }).waitFor();
    await newest.click();
    const timeline = ui.win.getByRole('list', { name: 'Flow steps' });
    await ui.win.locator('.flow-detail .badge', { hasText: 'In progress' }).waitFor();
    await expect(timeline.locator('li').count()).resolves.toBe(1);
    const t = await postForm(`${ui.server.issuer}/oauth/token`, { grant_type: 'authorization_code', code: callback.searchParams.get('code')!, code_verifier: verifier, client_id: 'my-agent', redirect_uri: CALLBACK, resource: MCP });
    expect(t.status).toBe(200);
    await timeline.locator('.tl-title', { hasText: 'Token request (code exchange)' }).waitFor();
    await ui.win.locator('.flow-detail .badge', { hasText: 'Succeeded' }).waitFor();
    await newest.filter({ hasText: 'Succeeded' }).waitFor();
    expect(uiErrors(ui.win)).toEqual([]);
  });

  it('filters by outcome and client', async () => {
    await ui.win.getByRole('combobox', { name: 'Filter by outcome' }).selectOption('failed');
    await ui.win.waitForFunction(() => document.querySelectorAll('[aria-label="Flows, newest first"] a').length === 1);
    await expect(item('my-agent', 'Failed').count()).resolves.toBe(1);
    await ui.win.getByRole('combobox', { name: 'Filter by outcome' }).selectOption('succeeded');
    await ui.win.waitForFunction(() => document.querySelectorAll('[aria-label="Flows, newest first"] a').length === 2);
    await expect(item('my-agent', 'Failed').count()).resolves.toBe(0);
    // A flow that starts while filtered arrives only if it matches.
    await mismatchedResource();
    await goodFlow();
    await ui.win.waitForFunction(() => document.querySelectorAll('[aria-label="Flows, newest first"] a').length === 3);
    await expect(item('my-agent', 'Failed').count()).resolves.toBe(0);
    // By client: another client's flow is not in my-agent's list, and is in its own.
    await ui.server.services.clients.create({ client_name: 'other-agent', client_id: 'other-agent', redirect_uris: [CALLBACK], grant_types: ['authorization_code'], token_endpoint_auth_method: 'none' });
    await ui.win.getByRole('combobox', { name: 'Filter by outcome' }).selectOption('');
    await ui.win.getByRole('combobox', { name: 'Filter by client' }).selectOption('my-agent');
    await ui.win.waitForFunction(() => document.querySelectorAll('[aria-label="Flows, newest first"] a').length === 5);
    await mismatchedResource('other-agent');
    await ui.win.getByRole('combobox', { name: 'Filter by client' }).selectOption('other-agent');
    await ui.win.waitForFunction(() => document.querySelectorAll('[aria-label="Flows, newest first"] a').length === 1);
    await item('other-agent', 'Failed').waitFor();
    await ui.win.getByRole('button', { name: 'Clear filters' }).click();
    await ui.win.waitForFunction(() => document.querySelectorAll('[aria-label="Flows, newest first"] a').length === 6);
    expect(uiErrors(ui.win)).toEqual([]);
  });
});

describe('a fault that fired', () => {
  it('is marked on its step, which the client got past', async () => {
    const res = await ui.server.admin('/faults', { method: 'POST', body: JSON.stringify({ endpoint: 'token', grant_type: 'refresh_token', error: 'invalid_grant', error_description: 'refresh token revoked' }) });
    expect(res.status).toBe(201);
    const fault = (await res.json()) as { id: string };
    const as = await discover(ui.server.issuer);
    const { callback, verifier } = await authorize(as, { issuer: ui.server.issuer, clientId: 'my-agent', scope: 'read', resource: MCP, redirectUri: CALLBACK });
    const t = await postForm(`${ui.server.issuer}/oauth/token`, { grant_type: 'authorization_code', code: callback.searchParams.get('code')!, code_verifier: verifier, client_id: 'my-agent', redirect_uri: CALLBACK, resource: MCP });
    const refresh = () => postForm(`${ui.server.issuer}/oauth/token`, { grant_type: 'refresh_token', refresh_token: String(t.json.refresh_token), client_id: 'my-agent' });
    await expect(refresh().then((r) => [r.status, r.json.error])).resolves.toEqual([400, 'invalid_grant']);
    await expect(refresh().then((r) => r.status)).resolves.toBe(200);

    // The flow the server recorded for these requests; its link is clicked once the live list has it
    // (the newest link at this instant may still be the previous flow on a busy machine).
    const flowId = ui.server.services.flows.list()[0]!.id;
    await ui.win.evaluate(() => (location.hash = '#/flows'));
    await ui.win.locator(`[aria-label="Flows, newest first"] a[href$="/flows/${encodeURIComponent(flowId)}"]`).click();
    const faulted = ui.win.getByRole('list', { name: 'Flow steps' }).locator('li.fault');
    await faulted.first().waitFor();
    await expect(faulted.count()).resolves.toBe(1);
    await expect(faulted.locator('.tl-title').textContent()).resolves.toBe('Token request (refresh)');
    await expect(faulted.getByTitle(`Fault ${fault.id} answered this request`).textContent()).resolves.toContain('fault');
    // It failed, but the flow went on: a warning on the rail, not the flow's failure.
    await expect(faulted.getAttribute('class')).resolves.toContain('warn');
    await ui.win.locator('.flow-detail .badge', { hasText: 'Succeeded' }).waitFor();
    await faulted.scrollIntoViewIfNeeded();
    await screenshot(ui.win, 'flows-fault');
    expect(uiErrors(ui.win)).toEqual([]);
  });
});
