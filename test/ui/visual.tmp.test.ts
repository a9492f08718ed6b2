/** TEMPORARY (not to be committed): before/after screenshots of the views a refactor touches, with a pinned clock. */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { fixedClock } from '../../server/clock';
import { launchBrowser } from '../helpers/browser';
import { seedSingleMcp, type TestServer } from '../helpers/server';
import type { Issuance } from '../../server/contracts';
import { openWindow, SCREENSHOT_DIR, startUiServer, uiErrors } from './helpers/ui';
import { startTestServer } from '../helpers/server';
import { createUiRouter } from '../../server/ui';

const start = (clock: ReturnType<typeof fixedClock>) =>
  process.env.VISUAL_RENDERER
    ? startTestServer({ consent: 'prompt', clock, ui: false, extraRouters: (sv, adminToken) => [createUiRouter(sv, { adminToken, rendererDir: process.env.VISUAL_RENDERER })] })
    : startUiServer({ clock });

const OUT = join(SCREENSHOT_DIR, 'refactor', process.env.VISUAL_OUT ?? 'after');
const T0 = Date.parse('2025-06-02T10:00:00Z');
let s: TestServer;
let empty: TestServer;
let browser: BrowserContext;

async function seed(server: TestServer) {
  await seedSingleMcp(server);
  const svc = server.services;
  await svc.resources.create({ slug: 'weather', uri: 'http://127.0.0.1:3002/mcp', display_name: 'Weather MCP', scopes: [{ name: 'forecast:read', description: 'Read forecasts' }, { name: 'alerts:write', description: 'Create weather alerts' }], signing_alg: 'RS256' });
  await svc.resources.create({ slug: 'files', uri: 'https://files.localhost/mcp/', display_name: 'Files MCP', scopes: [] });
  await svc.clients.create({ client_name: 'Claude Desktop', client_id: 'claude-desktop', redirect_uris: ['http://127.0.0.1:6274/oauth/callback'] }, 'dcr');
  await svc.clients.create({ client_name: 'Cursor', client_id: 'cursor', redirect_uris: ['cursor://anysphere.cursor-retrieval/oauth/callback'] }, 'dcr');
  await svc.clients.create({ client_name: 'CI bot', client_id: 'ci-bot', grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_basic' });
  await svc.clients.update('cursor', { status: 'suspended' });
  await svc.users.create({ sub: 'alice', name: 'Alice Example', email: 'alice@example.com' });
  await svc.users.create({ sub: 'bob', name: 'Bob Builder' });
  await svc.consents.record('alice', 'my-agent', 'mcp-a', ['read', 'write']);
  await svc.consents.record('bob', 'claude-desktop', 'weather', ['forecast:read']);
  const g = await svc.consents.record('dev-user', 'my-agent', 'weather', ['forecast:read']);
  await svc.consents.revoke(g.id);
  await svc.keys.rotate('RS256');
  await svc.keys.rotate('ES256');
  const clients = ['my-agent', 'claude-desktop', 'ci-bot'];
  const res = [
    ['mcp-a', 'http://127.0.0.1:3001/mcp', 'read write'],
    ['weather', 'http://127.0.0.1:3002/mcp', 'forecast:read'],
    ['files', 'https://files.localhost/mcp/', ''],
  ] as const;
  const rows: Issuance[] = [];
  for (let i = 0; i < 60; i++) {
    const [slug, aud, scope] = res[i % 3]!;
    const at = T0 - i * 97_000;
    rows.push({
      jti: `jti-${String(i).padStart(4, '0')}`,
      sub: ['dev-user', 'alice', 'bob'][i % 3]!,
      client_id: clients[i % 3]!,
      resource: slug,
      aud,
      scope,
      grant: i % 3 === 2 ? 'client_credentials' : i % 4 === 1 ? 'refresh_token' : 'authorization_code',
      family_id: i % 3 === 2 ? undefined : `fam-${Math.floor(i / 4)}`,
      issued_at: new Date(at).toISOString(),
      expires_at: new Date(at + 900_000).toISOString(),
      ...(i % 17 === 5 ? { revoked_at: new Date(at + 60_000).toISOString(), revoked_reason: 'admin' } : {}),
    });
  }
  for (const r of rows.reverse()) await server.store.issuances.append(r);
}

beforeAll(async () => {
  await mkdir(OUT, { recursive: true });
  s = await start(fixedClock(T0));
  await seed(s);
  empty = await start(fixedClock(T0));
  browser = await launchBrowser();
  browser.setDefaultTimeout(10_000);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await s?.stop();
  await empty?.stop();
});

async function shot(page: Page, name: string) {
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(OUT, `${name}.png`) });
}
async function go(page: Page, hash: string) {
  await page.evaluate((h) => (location.hash = h), hash);
  await page.getByRole('heading', { level: 1 }).first().waitFor();
}
async function esc(page: Page) {
  await page.keyboard.press('Escape');
  await page.waitForTimeout(150);
}

describe('visual', () => {
  for (const scheme of ['light', 'dark'] as const) {
    it(`screens ${scheme}`, async () => {
      const page = await openWindow(browser, s);
      const scripts: string[] = [];
      page.on('request', (r) => r.url().includes('/assets/index-') && r.url().endsWith('.js') && scripts.push(r.url()));
      await page.clock.setFixedTime(T0 + 5 * 60_000);
      await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
      await page.setViewportSize({ width: 1360, height: 820 });
      const x = (n: string) => `${n}-${scheme}`;

      await go(page, '#/users');
      await shot(page, x('users'));
      await page.getByRole('button', { name: 'New user' }).click();
      const uf = page.getByRole('dialog', { name: 'New user' });
      await shot(page, x('users-new'));
      await uf.getByLabel('sub', { exact: true }).fill('bad sub');
      await uf.getByLabel('Email', { exact: true }).fill('nope');
      await uf.getByRole('button', { name: 'Create user' }).click();
      await shot(page, x('users-new-errors'));
      await esc(page);
      await page.getByRole('button', { name: 'Delete user alice' }).click();
      await page.getByRole('dialog', { name: 'Delete alice?' }).waitFor();
      await shot(page, x('users-delete'));
      await esc(page);
      await page.getByRole('button', { name: 'Delete user dev-user' }).click();
      await shot(page, x('users-delete-default'));
      await esc(page);

      await go(page, '#/clients');
      await shot(page, x('clients'));
      await page.getByRole('button', { name: 'New client' }).click();
      const cf = page.getByRole('dialog', { name: 'New client' });
      await shot(page, x('clients-new'));
      await cf.getByLabel('Redirect URI 1', { exact: true }).fill('http://example.com/cb');
      await cf.getByRole('button', { name: 'Create client' }).click();
      await shot(page, x('clients-new-errors'));
      await esc(page);
      await go(page, '#/clients/claude-desktop');
      await shot(page, x('client-detail'));
      await page.getByRole('button', { name: 'Edit' }).click();
      await page.getByRole('dialog', { name: 'Edit Claude Desktop' }).waitFor();
      await shot(page, x('client-edit'));
      await esc(page);
      await page.getByRole('button', { name: 'Delete' }).click();
      await page.getByRole('dialog', { name: 'Delete Claude Desktop?' }).waitFor();
      await shot(page, x('client-delete'));
      await esc(page);
      await go(page, '#/clients/cursor');
      await shot(page, x('client-detail-suspended'));
      await page.evaluate(() => (location.hash = '#/clients/nope'));
      await page.getByRole('heading', { name: 'No client “nope”' }).waitFor();
      await shot(page, x('client-missing'));

      await go(page, '#/resources');
      await shot(page, x('resources'));
      await page.getByRole('button', { name: 'New resource' }).click();
      const rf = page.getByRole('dialog', { name: 'New resource' });
      await shot(page, x('resources-new'));
      await rf.getByLabel('Display name', { exact: true }).fill('Bad one');
      await rf.getByLabel('Resource URI', { exact: true }).fill('http://x/#frag');
      await rf.getByLabel('Access-token lifetime', { exact: true }).fill('zz');
      await rf.getByRole('button', { name: 'Create resource' }).click();
      await shot(page, x('resources-new-errors'));
      await esc(page);
      await go(page, '#/resources/weather');
      await shot(page, x('resource-detail'));
      await page.getByRole('button', { name: 'Edit' }).click();
      await page.getByRole('dialog', { name: 'Edit Weather MCP' }).waitFor();
      await shot(page, x('resource-edit'));
      await esc(page);
      await page.getByRole('button', { name: 'Delete' }).click();
      await page.getByRole('dialog', { name: 'Delete Weather MCP?' }).waitFor();
      await shot(page, x('resource-delete'));
      await esc(page);
      await page.evaluate(() => (location.hash = '#/resources/nope'));
      await page.getByRole('heading', { name: 'No resource “nope”' }).waitFor();
      await shot(page, x('resource-missing'));

      await go(page, '#/consents');
      await page.getByRole('button', { name: /Revoke consent of alice/ }).waitFor();
      await shot(page, x('consents'));
      await page.getByRole('button', { name: /Revoke consent of alice/ }).click();
      await page.getByRole('dialog', { name: 'Revoke this consent?' }).waitFor();
      await shot(page, x('consents-revoke'));
      await esc(page);
      await page.getByRole('radio', { name: 'Include revoked' }).click();
      await page.getByText('revoked', { exact: true }).first().waitFor();
      await shot(page, x('consents-all'));

      await go(page, '#/keys');
      await shot(page, x('keys'));
      await page.getByRole('button', { name: 'Rotate ES256' }).click();
      await page.getByRole('dialog', { name: 'Rotate the ES256 signing key?' }).waitFor();
      await shot(page, x('keys-rotate'));
      await esc(page);
      await page.getByRole('button', { name: /Show public key/ }).first().click();
      await shot(page, x('keys-jwk'));
      await esc(page);

      await go(page, '#/issuances');
      await page.locator('.vgrid-row').first().waitFor();
      await shot(page, x('issuances'));
      await page.locator('.vgrid-row').first().click();
      await page.getByRole('dialog', { name: 'Access token' }).waitFor();
      await shot(page, x('issuance-drawer'));
      await esc(page);
      await go(page, '#/issuances?jti=none');
      await page.getByRole('heading', { name: 'No issuances match' }).waitFor();
      await shot(page, x('issuances-nomatch'));

      await go(page, '#/activity');
      await shot(page, x('activity'));

      console.log('served', scheme, await page.evaluate(() => [...document.scripts].map((x) => x.src)));
      expect(uiErrors(page).filter((e) => !e.includes('404'))).toEqual([]);
      await page.close();
    });
  }

  it('empty states', async () => {
    await empty.services.users.delete('dev-user');
    const page = await openWindow(browser, empty);
    await page.clock.setFixedTime(T0 + 5 * 60_000);
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.setViewportSize({ width: 1360, height: 820 });
    for (const [name, hash, text] of [
      ['empty-users', '#/users', 'No users'],
      ['empty-clients', '#/clients', 'No clients yet'],
      ['empty-resources', '#/resources', 'No resources yet'],
      ['empty-consents', '#/consents', 'No consents remembered'],
      ['empty-issuances', '#/issuances', 'No tokens issued yet'],
      ['empty-activity-problems', '#/activity', 'No requests yet'],
    ] as const) {
      await page.evaluate((h) => (location.hash = h), hash);
      if (name === 'empty-activity-problems') {
        await page.getByRole('radio', { name: 'Problems only' }).click();
        await page.getByRole('heading', { name: 'No problems recorded' }).waitFor();
      } else await page.getByRole('heading', { name: text }).waitFor();
      await shot(page, name);
    }
    expect(uiErrors(page)).toEqual([]);
    await page.close();
  });
});
