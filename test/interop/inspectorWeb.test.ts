/**
 * MCP Inspector 2.12's web UI (installed from the registry into .cache, run on a Node ≥ 22.19),
 * driven in Chromium as a person would: switch the server on, Approve on AuthPlane's consent
 * page, back in the Inspector list the tools and execute one. Its Node backend carries MCP and
 * OAuth (2.12 has no browser-direct mode; that is Inspector 1.0.3, see inspectorV1.test.ts).
 */
import type { ChildProcess } from 'node:child_process';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './helpers';
import { clientHome, inspector, issuances, PAST_ACCESS_TOKEN_EXPIRY, spawnClient, startNotesRig, stop, useChromium, watch, type NotesRig } from './clientHarness';

const INSPECTOR = inspector('2.12.0');

const browser = useChromium();
let rig: NotesRig;
let web: ChildProcess;
let inspectorUrl: string;
let inspectorOrigin: string;

beforeAll(async () => {
  rig = await startNotesRig();
  const home = await clientHome('authplane-inspector-web-');
  const [client, sandbox, appOrigin] = [await freePort(), await freePort(), await freePort()];
  web = spawnClient(INSPECTOR.node, [INSPECTOR.entry, '--web', '--server-url', rig.mcp.url, '--protocol-era', 'modern'], {
    env: { ...home.env, PATH: INSPECTOR.path, MCP_INSPECTOR_SECRET_STORE: 'file', MCP_AUTO_OPEN_ENABLED: 'false', CLIENT_PORT: String(client), MCP_SANDBOX_PORT: String(sandbox), MCP_APP_ORIGIN_PORT: String(appOrigin) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [url] = await watch(web).until('stdout', /http:\/\/127\.0\.0\.1:\d+\?MCP_INSPECTOR_API_TOKEN=\w+/, 'the Inspector web URL', 60_000);
  inspectorUrl = url;
  inspectorOrigin = new URL(url).origin;
}, 90_000);
afterAll(async () => {
  await stop(web);
  await rig?.close();
});

/** Executes whoami from its tool form and reads the JSON the result panel shows. */
async function executeWhoami(page: Page) {
  // A shown result replaces the form: close it first (the old JSON is gone with it).
  const close = page.getByRole('button', { name: 'Close results' });
  if (await close.isVisible()) await close.click();
  await page.getByRole('button', { name: 'Execute Tool' }).click();
  await page.locator('main').getByText(/"subject": "dev-user"/).first().waitFor();
  // The code view numbers its lines: drop those before reading the JSON.
  const panel = (await page.locator('main').innerText()).replace(/^\d+\n/gm, '');
  return JSON.parse(/\{\s*"subject"[\s\S]*?\n\}/.exec(panel)![0]) as { subject: string; client_id: string; scopes: string[]; aud: string; expires_at: string };
}

describe(`MCP Inspector ${INSPECTOR.version} web UI (through its backend), MCP 2026-07-28`, () => {
  it('connect → consent clicked → tools listed → whoami executed; after real expiry the next call refreshes', async () => {
    const { s, mcp } = rig;
    const page = await browser().newPage();
    await page.goto(inspectorUrl);
    // Mantine's switch: its track covers the input, so it is checked directly.
    await page.getByRole('switch', { name: /Connect or disconnect/ }).check({ force: true });

    // The Inspector sends the browser to AuthPlane: the consent page names it and its DCR client.
    await page.waitForURL(new RegExp(`^${s.issuer}/consent`));
    await page.getByText('MCP Inspector wants access to Notes').waitFor();
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL((u) => u.origin === inspectorOrigin && !u.pathname.startsWith('/oauth'));
    await page.getByText('Connected', { exact: true }).waitFor();
    // The server card names the negotiated revision.
    await page.getByText('MCP 2026-07-28', { exact: true }).waitFor();

    await page.getByText('Tools', { exact: true }).first().click();
    for (const name of ['whoami', 'read_note', 'write_note']) await page.getByRole('button', { name, exact: true }).waitFor();
    await page.getByRole('button', { name: 'whoami', exact: true }).click();
    const first = await executeWhoami(page);
    expect(first).toMatchObject({ subject: 'dev-user', scopes: ['read', 'write'], aud: mcp.resource });
    const client = s.services.clients.get(first.client_id);
    expect(client).toMatchObject({ registration_source: 'dcr', token_endpoint_auth_method: 'none', redirect_uris: [`${inspectorOrigin}/oauth/callback`] });

    rig.advance(PAST_ACCESS_TOKEN_EXPIRY);
    const second = await executeWhoami(page);
    expect(second.client_id).toBe(first.client_id);
    expect(Date.parse(second.expires_at)).toBeGreaterThan(Date.parse(first.expires_at));
    expect((await issuances(s, first.client_id)).map((i) => i.grant)).toEqual(['refresh_token', 'authorization_code']);
    await page.close();
  });
});
