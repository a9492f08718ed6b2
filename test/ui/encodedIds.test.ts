/**
 * A client whose id is a URL in the window, in real Chromium. The client is a real CIMD client
 * (the server fetched its metadata document when an authorization named it; auto consent
 * recorded a grant), and every way the window reaches its page (the clients list, the consents
 * list, the command palette, a deep link) must land on it, not on "No client 'http:'".
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { seedSingleMcp } from '../helpers/server';
import { serveLoopback } from '../interop/helpers';
import { uiErrors } from './helpers/ui';
import { useWindow } from './helpers/useWindow';

let docs: Awaited<ReturnType<typeof serveLoopback>>;
let clientId = '';

const REDIRECT = 'http://127.0.0.1:9/callback';

const ui = useWindow({
  serve: { consent: 'auto' },
  seed: async (s) => {
    await seedSingleMcp(s);
    docs = await serveLoopback((req, res, origin) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ client_id: `${origin}${req.url}`, client_name: 'URL Agent', redirect_uris: [REDIRECT] }));
    });
    // Slashes, a query, and an escape that must be decoded exactly once.
    clientId = `${docs.origin}/agents/ui%2Fagent.json?tenant=a%20b`;
    const q = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: REDIRECT, scope: 'read', resource: 'mcp-a', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256', state: 'st' });
    const r = await fetch(`${s.issuer}/oauth/authorize?${q}`, { redirect: 'manual' });
    expect(r.status).toBe(303);
    expect(s.services.clients.get(clientId)?.registration_source).toBe('cimd');
  },
  stepTimeout: 15_000,
  open: { hash: '#/clients' },
});
afterAll(async () => {
  await docs?.close();
});

/** The client's own page is showing: its name as the heading, its id, its metadata document. */
async function onClientPage(page: Page) {
  await page.getByRole('heading', { name: 'URL Agent', level: 1 }).waitFor();
  expect(await page.evaluate(() => location.hash)).toBe(`#/clients/${encodeURIComponent(clientId)}`);
  await page.getByRole('region', { name: 'Client details' }).getByText(clientId, { exact: true }).waitFor();
}

describe('ids that are URLs in the window', { timeout: 90_000 }, () => {
  it('the clients list opens the CIMD client, and a deep link to it survives a reload', async () => {
    await ui.win.evaluate(() => (location.hash = '#/clients'));
    await ui.win.getByRole('link', { name: 'URL Agent' }).click();
    await onClientPage(ui.win);
    await ui.win.reload();
    await onClientPage(ui.win);
  });

  it("the consents list links to the client's and the resource's pages", async () => {
    await ui.win.evaluate(() => (location.hash = '#/consents'));
    const row = ui.win.getByRole('row', { name: /URL Agent/ });
    await row.getByRole('link', { name: 'URL Agent' }).click();
    await onClientPage(ui.win);
    await ui.win.evaluate(() => (location.hash = '#/consents'));
    await ui.win.getByRole('row', { name: /URL Agent/ }).getByRole('link', { name: 'MCP A' }).click();
    await ui.win.getByRole('heading', { name: 'MCP A', level: 1 }).waitFor();
    expect(await ui.win.evaluate(() => location.hash)).toBe('#/resources/mcp-a');
  });

  it('the command palette opens it', async () => {
    await ui.win.evaluate(() => (location.hash = '#/prompts'));
    await ui.win.keyboard.press('Control+k');
    await ui.win.getByRole('combobox', { name: 'Search' }).fill('URL Agent');
    await ui.win.getByRole('option', { name: /URL Agent/ }).click();
    await onClientPage(ui.win);
  });

  it('a malformed escape in the address names the missing client instead of breaking the window', async () => {
    await ui.win.evaluate(() => (location.hash = '#/clients/%E0%A4%A'));
    await ui.win.getByText('No client “%E0%A4%A”').waitFor();
    expect(uiErrors(ui.win)).toEqual([]);
  });
});
