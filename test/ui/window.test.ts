/**
 * The window itself, in real Chromium against a real server: forms validated live per field,
 * past moments never shown as future, a layout that works from 800 px up, and the theme switch.
 */
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser';
import { NAV } from '../../renderer/src/nav';
import { seedScreens } from './helpers/seed';
import { openWindow, screenshot, uiErrors } from './helpers/ui';
import { useWindow } from './helpers/useWindow';

const ui = useWindow({ seed: seedScreens, stepTimeout: 15_000 });

async function open(hash: string, size = { width: 1280, height: 800 }): Promise<Page> {
  const page = await ui.open(hash);
  page.setDefaultTimeout(15_000);
  await page.setViewportSize(size);
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  return page;
}

/** The error text a labelled field shows (its aria-describedby error), or null. */
const fieldError = (scope: Page | Locator, label: string) =>
  scope.getByLabel(label, { exact: true }).evaluate((el) => {
    const ids = (el.getAttribute('aria-describedby') ?? '').split(' ').filter((id) => id.endsWith('-err'));
    return ids.map((id) => document.getElementById(id)?.textContent ?? '').join('') || null;
  });

describe('forms validate live, per field, with the contract schema', () => {
  it('a slug error shown on submit goes away as soon as the slug is corrected, before any new submit', async () => {
    const page = await open('#/resources');
    await page.getByRole('button', { name: 'New resource' }).click();
    const form = page.getByRole('dialog', { name: 'New resource' });
    await form.getByLabel('Slug', { exact: true }).fill('Bad Slug');
    await form.getByLabel('Resource URI', { exact: true }).fill('http://127.0.0.1:3009/mcp');
    await form.getByLabel('Scope 1 name', { exact: true }).fill('read');
    await form.getByRole('button', { name: 'Create resource' }).click();
    await expect.poll(() => fieldError(form, 'Slug')).toMatch(/^slug must match/);
    await form.getByLabel('Slug', { exact: true }).fill('good-slug');
    // No submit in between: the error is gone and the field is valid again.
    await expect.poll(() => fieldError(form, 'Slug')).toBeNull();
    await expect(form.getByLabel('Slug', { exact: true }).getAttribute('aria-invalid')).resolves.toBe('false');
    // And it comes back while typing, once the field has shown it.
    await form.getByLabel('Slug', { exact: true }).fill('good slug');
    await expect.poll(() => fieldError(form, 'Slug')).toMatch(/^slug must match/);
    await form.getByLabel('Slug', { exact: true }).fill('good-slug');
    await expect.poll(() => fieldError(form, 'Slug')).toBeNull();
    await form.getByRole('button', { name: 'Create resource' }).click();
    await page.getByRole('heading', { name: 'good-slug', level: 1 }).waitFor();
    expect(ui.server.services.resources.get('good-slug')?.uri).toBe('http://127.0.0.1:3009/mcp');
    expect(uiErrors(page)).toEqual([]);
    await page.close();
  });

  it('a field shows its error when left, not while first typed, and clears it when fixed', async () => {
    const page = await open('#/clients');
    await page.getByRole('button', { name: 'New client' }).click();
    const form = page.getByRole('dialog', { name: 'New client' });
    await form.getByLabel('Client name', { exact: true }).fill('Live agent');
    const uri = form.getByLabel('Redirect URI 1', { exact: true });
    await uri.fill('http://example.com/cb');
    // Still in the field: nothing shown yet.
    await expect(form.getByRole('alert').count()).resolves.toBe(0);
    await form.getByLabel('Client name', { exact: true }).focus();
    await expect.poll(() => form.getByRole('alert').allTextContents()).toEqual(['URI 1: redirect URI "http://example.com/cb" is not allowed: http is allowed only on a loopback host (localhost, 127.0.0.1, [::1]); use https']);
    await expect(uri.getAttribute('aria-invalid')).resolves.toBe('true');
    await uri.fill('http://127.0.0.1:8765/cb');
    await expect.poll(() => form.getByRole('alert').count()).toBe(0);
    await expect(uri.getAttribute('aria-invalid')).resolves.toBe('false');
    // While still in a field, nothing shows until a submit (Enter, no blur); then the error does.
    const id = form.getByLabel('client_id', { exact: true });
    await id.fill('live agent');
    await expect(fieldError(form, 'client_id')).resolves.toBeNull();
    await id.press('Enter');
    await expect.poll(() => fieldError(form, 'client_id')).toBe('client_id must be printable ASCII without spaces');
    await id.fill('live-agent');
    await expect.poll(() => fieldError(form, 'client_id')).toBeNull();
    expect(ui.server.services.clients.get('live-agent')).toBeUndefined();
    await page.close();
  });

  it('the user form: a bad email clears as it is fixed, and the server never got the bad one', async () => {
    const page = await open('#/users');
    await page.getByRole('button', { name: 'New user' }).click();
    const form = page.getByRole('dialog', { name: 'New user' });
    await form.getByLabel('sub', { exact: true }).fill('dana');
    await form.getByLabel('Email', { exact: true }).fill('dana-at-example');
    await form.getByRole('button', { name: 'Create user' }).click();
    await expect.poll(() => fieldError(form, 'Email')).not.toBeNull();
    expect(ui.server.services.users.get('dana')).toBeUndefined();
    await form.getByLabel('Email', { exact: true }).fill('dana@example.com');
    await expect.poll(() => fieldError(form, 'Email')).toBeNull();
    await form.getByRole('button', { name: 'Create user' }).click();
    await form.waitFor({ state: 'hidden' });
    expect(ui.server.services.users.get('dana')).toMatchObject({ email: 'dana@example.com' });
    await page.close();
  });
});

describe('forms hold their fields in react-hook-form', () => {
  it('the resource form: editing shows the saved values, a bad lifetime says how to write one, the save sends what was typed', async () => {
    const page = await open('#/resources/weather');
    await page.getByRole('button', { name: 'Edit' }).click();
    const form = page.getByRole('dialog', { name: 'Edit Weather MCP' });
    await expect(form.getByLabel('Display name', { exact: true }).inputValue()).resolves.toBe('Weather MCP');
    await expect(form.getByLabel('Slug', { exact: true }).inputValue()).resolves.toBe('weather');
    await expect(form.getByLabel('Scope 2 name', { exact: true }).inputValue()).resolves.toBe('alerts:write');
    await expect(form.getByLabel('Signing algorithm', { exact: true }).inputValue()).resolves.toBe('RS256');
    const ttl = form.getByLabel('Access-token lifetime', { exact: true });
    await ttl.fill('15x');
    await form.getByLabel('Resource URI', { exact: true }).focus();
    await expect.poll(() => fieldError(form, 'Access-token lifetime')).toBe('use seconds or 15m, 2h, 7d');
    await ttl.fill('15m');
    await expect.poll(() => fieldError(form, 'Access-token lifetime')).toBeNull();
    await form.getByRole('button', { name: 'Add scope' }).click();
    await form.getByLabel('Scope 3 name', { exact: true }).fill('admin');
    await form.getByLabel('Scope 3 description', { exact: true }).fill('Everything');
    await form.getByRole('button', { name: 'Remove scope 1' }).click();
    await form.getByRole('button', { name: 'Save changes' }).click();
    await form.waitFor({ state: 'hidden' });
    expect(ui.server.services.resources.get('weather')).toMatchObject({ access_token_ttl: 900, signing_alg: 'RS256', scopes: [{ name: 'alerts:write', description: 'Create weather alerts' }, { name: 'admin', description: 'Everything' }] });
    // A new form starts empty, and its slug follows the name until one is typed.
    await page.goto(page.url().replace(/#.*/, '#/resources'));
    await page.getByRole('button', { name: 'New resource' }).click();
    const create = page.getByRole('dialog', { name: 'New resource' });
    await expect(create.getByLabel('Access-token lifetime', { exact: true }).inputValue()).resolves.toBe('');
    await create.getByLabel('Display name', { exact: true }).fill('Docs Server');
    await expect(create.getByLabel('Slug', { exact: true }).inputValue()).resolves.toBe('docs-server');
    await create.getByLabel('Slug', { exact: true }).fill('docs');
    await create.getByLabel('Display name', { exact: true }).fill('Docs Server 2');
    await expect(create.getByLabel('Slug', { exact: true }).inputValue()).resolves.toBe('docs');
    expect(uiErrors(page)).toEqual([]);
    await page.close();
  });

  it('the client form: grant checkboxes and the auth method are checked together, and the client is created as chosen', async () => {
    const page = await open('#/clients');
    await page.getByRole('button', { name: 'New client' }).click();
    const form = page.getByRole('dialog', { name: 'New client' });
    await form.getByLabel('Client name', { exact: true }).fill('Batch job');
    await form.getByRole('checkbox', { name: /^Authorization code/ }).uncheck();
    await form.getByRole('checkbox', { name: /^Refresh token/ }).uncheck();
    await form.getByRole('checkbox', { name: /^Client credentials/ }).check();
    await form.getByRole('button', { name: 'Create client' }).click();
    await expect.poll(() => fieldError(form, 'Token endpoint authentication')).toBe('client credentials need a secret: pick a secret method');
    await form.getByLabel('Token endpoint authentication', { exact: true }).selectOption('client_secret_post');
    await expect.poll(() => fieldError(form, 'Token endpoint authentication')).toBeNull();
    await form.getByRole('button', { name: 'Create client' }).click();
    await form.waitFor({ state: 'hidden' });
    await expect.poll(() => ui.server.services.clients.list().find((c) => c.client_name === 'Batch job')).toMatchObject({ grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_post', redirect_uris: [] });
    expect(uiErrors(page)).toEqual([]);
    await page.close();
  });
});

describe('times', () => {
  it('a token revoked moments ago says so, even when the window clock is behind the server', async () => {
    const jti = 'jti-window-revoke';
    const now = Date.now();
    await ui.server.store.issuances.append({ jti, sub: 'alice', client_id: 'my-agent', resource: 'mcp-a', aud: 'http://127.0.0.1:3001/mcp', scope: 'read', grant: 'authorization_code', issued_at: new Date(now).toISOString(), expires_at: new Date(now + 900_000).toISOString() });
    const page = await open('#/issuances');
    // The window's clock 3 s behind the server's stamps: what a `now` that ticks every few seconds amounts to.
    await page.clock.setFixedTime(Date.now() - 3000);
    await page.getByRole('row').filter({ hasText: 'jti-window-revoke' }).first().click();
    const drawer = page.getByRole('dialog', { name: 'Access token' });
    await drawer.getByRole('button', { name: 'Revoke token' }).click();
    await page.getByRole('dialog', { name: 'Revoke this access token?' }).getByRole('button', { name: 'Revoke token' }).click();
    const badge = drawer.locator('.badge.red');
    await badge.waitFor();
    await expect(badge.textContent()).resolves.toBe('Revoked just now');
    expect(ui.server.store.issuances.isRevoked(jti)).toBe(true);
    await page.close();
  });
});

const SCREENS = ['#/prompts', '#/issuances', '#/activity', '#/decoder', '#/resources', '#/resources/mcp-a', '#/clients', '#/clients/claude-desktop', '#/users', '#/consents', '#/keys'];

/** Elements that reach past the viewport's right edge, or tables and grid rows wider than their box (cut columns). */
async function horizontalOverflow(page: Page): Promise<string[]> {
  // A drawer sliding in is not an overflow: measure once the opening animations are done.
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity));
  return page.evaluate(() => {
    const W = document.documentElement.clientWidth;
    const name = (el: Element) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} "${(el.textContent ?? '').trim().slice(0, 40)}"`;
    const out: string[] = [];
    if (document.documentElement.scrollWidth > W) out.push(`the page scrolls sideways (${document.documentElement.scrollWidth} > ${W})`);
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.width && r.height && r.right > W + 1) out.push(`${name(el)} ends at ${Math.round(r.right)} > ${W}`);
    }
    for (const el of document.querySelectorAll('table, .vgrid-head, .vgrid-row')) {
      const box = el.parentElement!;
      if (el.scrollWidth > box.clientWidth + 1) out.push(`${name(el)} is ${el.scrollWidth} px in ${box.clientWidth}`);
    }
    return [...new Set(out)].slice(0, 10);
  });
}

describe('layout from 800 px up', () => {
  it('at 800×600 nothing overflows sideways and every nav item is reachable', async () => {
    const page = await open('#/prompts', { width: 800, height: 600 });
    for (const hash of SCREENS) {
      await page.evaluate((h) => (location.hash = h), hash);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      await page.waitForFunction(() => !document.querySelector('.spinner'));
      expect(await horizontalOverflow(page), `overflow on ${hash}`).toEqual([]);
    }
    await screenshot(page, 'window-800-resource-detail-light');
    // The widest overlays: the two-column resource form and the issuance drawer.
    await page.evaluate(() => (location.hash = '#/resources'));
    await page.getByRole('button', { name: 'New resource' }).click();
    await page.getByRole('dialog', { name: 'New resource' }).waitFor();
    expect(await horizontalOverflow(page), 'overflow with the resource form open').toEqual([]);
    await screenshot(page, 'window-800-resource-form-light');
    await page.keyboard.press('Escape');
    await page.evaluate(() => (location.hash = '#/issuances'));
    await page.locator('.vgrid-row').first().click();
    await page.getByRole('dialog', { name: 'Access token' }).waitFor();
    expect(await horizontalOverflow(page), 'overflow with the issuance drawer open').toEqual([]);
    await screenshot(page, 'window-800-issuance-drawer-light');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: 'Access token' }).waitFor({ state: 'hidden' });
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const item of NAV) {
      const link = nav.getByRole('link', { name: item.label, exact: true });
      const box = await link.boundingBox();
      expect(box, item.label).not.toBeNull();
      expect(box!.x >= 0 && box!.y >= 0 && box!.x + box!.width <= 800 && box!.y + box!.height <= 600, `${item.label} within 800×600`).toBe(true);
      await link.click();
      await page.waitForFunction((p) => location.hash === `#${p}`, item.path);
      // The hash changes before React re-renders the nav: wait for the marked link, not one read.
      await nav.locator('[aria-current="page"]', { hasText: item.label }).first().waitFor();
      await expect(link.getAttribute('aria-current')).resolves.toBe('page');
    }
    expect(uiErrors(page)).toEqual([]);
    await page.close();
  });

  it('takes screenshots at 800 and 1280 px, light and dark', async () => {
    for (const scheme of ['light', 'dark'] as const)
      for (const width of [800, 1280]) {
        const page = await open('#/issuances', { width, height: width === 800 ? 600 : 800 });
        await page.emulateMedia({ colorScheme: scheme });
        for (const [name, hash] of [
          ['issuances', '#/issuances'],
          ['resources', '#/resources'],
          ['clients', '#/clients'],
          ['activity', '#/activity'],
        ] as const) {
          await page.evaluate((h) => (location.hash = h), hash);
          await page.getByRole('heading', { level: 1 }).first().waitFor();
          await page.waitForFunction(() => !document.querySelector('.spinner'));
          await screenshot(page, `window-${width}-${name}-${scheme}`);
        }
        expect(await horizontalOverflow(page)).toEqual([]);
        await page.close();
      }
  });
});

describe('theme', () => {
  const background = (page: Page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const LIGHT = 'rgb(247, 247, 248)';
  const DARK = 'rgb(14, 15, 18)';

  it('follows the system until a choice is made, keeps the choice, and applies it before the app runs', async () => {
    const context = await launchBrowser();
    try {
      const page = await openWindow(context, ui.server, '#/prompts');
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      await expect.poll(() => background(page)).toBe(DARK);
      const theme = page.getByRole('radiogroup', { name: 'Theme' });
      await expect(theme.getByRole('radio', { name: 'As the system' }).getAttribute('aria-checked')).resolves.toBe('true');
      // System: follows the OS live.
      await page.emulateMedia({ colorScheme: 'light' });
      await expect.poll(() => background(page)).toBe(LIGHT);
      await page.emulateMedia({ colorScheme: 'dark' });
      await expect.poll(() => background(page)).toBe(DARK);

      await theme.getByRole('radio', { name: 'Light' }).click();
      await expect.poll(() => background(page)).toBe(LIGHT);
      await expect(page.evaluate(() => localStorage.getItem('authplane.theme'))).resolves.toBe('light');
      await screenshot(page, 'window-theme-light-on-dark-system');

      // Before first paint: with the app's bundle blocked, the page is light already.
      await page.route(/\/ui\/assets\/.*\.js$/, (route) => route.abort());
      await page.reload();
      await page.waitForFunction(() => document.readyState === 'complete');
      await expect(page.evaluate(() => document.documentElement.dataset.theme)).resolves.toBe('light');
      await expect(background(page)).resolves.toBe(LIGHT);
      await page.unroute(/\/ui\/assets\/.*\.js$/);

      // Kept across a restart of the window (same profile), and back to the system.
      await page.reload();
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      await expect(theme.getByRole('radio', { name: 'Light' }).getAttribute('aria-checked')).resolves.toBe('true');
      await theme.getByRole('radio', { name: 'Dark' }).click();
      await page.emulateMedia({ colorScheme: 'light' });
      await expect.poll(() => background(page)).toBe(DARK);
      await theme.getByRole('radio', { name: 'As the system' }).click();
      await expect.poll(() => background(page)).toBe(LIGHT);
      await expect(page.evaluate(() => localStorage.getItem('authplane.theme'))).resolves.toBeNull();
      await page.close();
    } finally {
      await context.close();
    }
  });

  it('an unknown stored value falls back to the system, and the boot script passes the CSP', async () => {
    const page = await ui.open('#/prompts');
    await page.evaluate(() => localStorage.setItem('authplane.theme', 'neon'));
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.reload();
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    await expect.poll(() => background(page)).toBe(DARK);
    await expect(page.getByRole('radiogroup', { name: 'Theme' }).getByRole('radio', { name: 'As the system' }).getAttribute('aria-checked')).resolves.toBe('true');
    expect(uiErrors(page)).toEqual([]);
    await page.evaluate(() => localStorage.removeItem('authplane.theme'));
    await page.close();
  });
});
