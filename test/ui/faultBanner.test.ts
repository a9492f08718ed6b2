/** The fault banner, in Chromium against a real server: on every screen while faults are armed, live, with Clear. */
import { describe, expect, it } from 'vitest';
import { screenshot, uiErrors } from './helpers/ui';
import { useWindow } from './helpers/useWindow';

const ui = useWindow({ stepTimeout: 20_000 });

describe('fault banner', () => {
  it('appears on every screen when a fault is armed elsewhere, counts down as it fires, and Clear disarms all', async () => {
    const win = await ui.open('#/issuances');
    await win.getByRole('heading', { level: 1 }).first().waitFor();
    const banner = win.getByRole('status', { name: 'Armed faults' });
    expect(await banner.count()).toBe(0);
    // The event stream is live: what is armed from now on reaches the window.
    await win.locator('.live-dot.live').waitFor();

    // Armed through the admin API (as the CLI does): the window learns it from the event stream.
    ui.server.services.faults.arm({ endpoint: 'token', grant_type: 'refresh_token', client_id: 'my-agent', error: 'invalid_grant', count: 2 });
    await banner.waitFor();
    await win.waitForFunction(() => document.querySelector('.fault-banner')?.textContent?.includes('token · grant refresh_token · client my-agent → error invalid_grant (2 left)'));
    expect(await banner.locator('strong').textContent()).toBe('1 fault armed: AuthPlane fails on purpose');

    ui.server.services.faults.arm({ endpoint: 'jwks', status: 503, for_seconds: 600 });
    await win.waitForFunction(() => document.querySelector('.fault-banner strong')?.textContent === '2 faults armed: AuthPlane fails on purpose');
    expect(await banner.textContent()).toMatch(/jwks → HTTP 503 \(until \d/);

    // A firing counts down.
    expect((await ui.server.fetch('/.well-known/jwks.json')).status).toBe(503);
    await fetch(`${ui.server.issuer}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=refresh_token&client_id=my-agent&refresh_token=x' });
    await win.waitForFunction(() => document.querySelector('.fault-banner')?.textContent?.includes('error invalid_grant (1 left)'));

    // On every screen.
    for (const hash of ['#/prompts', '#/resources', '#/audit']) {
      await win.evaluate((h) => (location.hash = h), hash);
      await win.getByRole('heading', { level: 1 }).first().waitFor();
      await banner.waitFor();
    }

    for (const scheme of ['light', 'dark'] as const) {
      await win.emulateMedia({ colorScheme: scheme });
      await win.setViewportSize({ width: 1360, height: 820 });
      await screenshot(win, `fault-banner-${scheme}`);
    }

    await banner.getByRole('button', { name: 'Clear' }).click();
    await banner.waitFor({ state: 'detached' });
    expect(ui.server.services.faults.list()).toEqual([]);
    expect(uiErrors(win)).toEqual([]);
  });
});
