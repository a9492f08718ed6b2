/**
 * The Settings page, in Chromium against a real server: the refresh grace shown as strict (the
 * product's behaviour), changed in the window with live validation, applied to the running
 * server (a rotated-out token's retry now succeeds), recorded as the window's change, and kept
 * live when the CLI changes it back.
 */
import { describe, expect, it } from 'vitest';
import type { AppEvent } from '../../server/contracts';
import { codeFlow, postForm } from '../helpers/oauthClient';
import { seedSingleMcp } from '../helpers/server';
import { screenshot, uiErrors } from './helpers/ui';
import { useWindow } from './helpers/useWindow';

const RES = 'http://127.0.0.1:3001/mcp';

const ui = useWindow({ serve: { consent: 'auto' }, seed: seedSingleMcp, stepTimeout: 20_000 });

const refreshWith = (token: string) => postForm(`${ui.server.issuer}/oauth/token`, { grant_type: 'refresh_token', refresh_token: token, client_id: 'my-agent' });

describe('Settings page', () => {
  it('changes the refresh grace of the running server from the window', async () => {
    const win = await ui.open('#/settings');
    await win.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    expect(await win.getByRole('link', { name: 'Settings' }).getAttribute('aria-current')).toBe('page');
    const grace = win.getByTestId('refresh-grace');
    expect(await grace.textContent()).toBe('0 s: strict, as the AuthPlane product');
    expect(await win.getByRole('note').textContent()).toContain('Deviation from the AuthPlane product.');
    expect(await win.locator('.kv').nth(1).textContent()).toContain(ui.server.dataDir);
    await win.locator('.live-dot.live').waitFor();
    for (const scheme of ['light', 'dark'] as const) {
      await win.emulateMedia({ colorScheme: scheme });
      await win.setViewportSize({ width: 1360, height: 820 });
      await screenshot(win, `settings-strict-${scheme}`);
    }

    await win.getByRole('button', { name: 'Change refresh grace' }).click();
    const dialog = win.getByRole('dialog', { name: 'Refresh grace' });
    const field = dialog.getByLabel('Grace window');
    expect(await field.inputValue()).toBe('0');
    // Validated live with the API's schema: the error follows the value, and goes when it is fixed.
    await field.fill('10m');
    await dialog.getByRole('button', { name: 'Save' }).click();
    const error = dialog.locator('.error');
    await win.waitForFunction(() => document.querySelector('dialog[open] .error')?.textContent === 'at most 300 s (5m): a longer window is a longer replay window');
    await field.fill('soon');
    await win.waitForFunction(() => document.querySelector('dialog[open] .error')?.textContent === 'use seconds or 30s, 2m (0 for strict rotation)');
    await field.fill('30s');
    await error.waitFor({ state: 'detached' });
    expect(ui.server.services.settings.refreshGraceS).toBe(0);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await win.waitForFunction(() => document.querySelector('[data-testid=refresh-grace]')?.textContent === '30 s: deviation from the AuthPlane product');
    expect(ui.server.services.settings.refreshGraceS).toBe(30);
    await screenshot(win, 'settings-grace-dark');
    await win.emulateMedia({ colorScheme: 'light' });
    await screenshot(win, 'settings-grace-light');

    // The running server now lets a rotated-out refresh token's retry through.
    const { tokens } = await codeFlow({ issuer: ui.server.issuer, clientId: 'my-agent', scope: 'read', resource: RES });
    const first = await refreshWith(tokens.refresh_token!);
    const retry = await refreshWith(tokens.refresh_token!);
    expect([first.status, retry.status]).toEqual([200, 200]);
    expect(retry.json.refresh_token).toBe(first.json.refresh_token);

    const changed = (await ui.server.store.audit.query({ type: 'settings.changed' }, 10)) as AppEvent[];
    expect(changed.map((e) => e.data)).toEqual([{ before: { refresh_grace_s: 0 }, after: { refresh_grace_s: 30 }, by: 'window' }]);

    // Changed elsewhere (the CLI, the admin API): the page follows the event stream.
    expect((await ui.server.admin('/settings', { method: 'PATCH', body: JSON.stringify({ refresh_grace_s: 0 }) })).status).toBe(200);
    await win.waitForFunction(() => document.querySelector('[data-testid=refresh-grace]')?.textContent === '0 s: strict, as the AuthPlane product');
    expect(uiErrors(win)).toEqual([]);
  });
});
