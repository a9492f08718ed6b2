/**
 * Screenshots of every main screen, light and dark, with realistic data, saved under
 * test-output/screenshots/ (not committed). Also asserts each screen renders without errors.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { authorizationUrl, discover } from '../helpers/oauthClient';
import { seedScreens } from './helpers/seed';
import { openWindow, screenshot, startUiServer, uiErrors } from './helpers/ui';
import { useWindow } from './helpers/useWindow';

const ui = useWindow({ seed: seedScreens });

/** Every interactive control must have an accessible name (label, aria-label(ledby), text or title). */
async function unnamedControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('button, a[href], input:not([type=hidden]), select, textarea, [role=radio], [role=tab], [role=option], [tabindex="0"]')) {
      if (el.closest('[hidden], [aria-hidden="true"]') || el.hidden) continue;
      const labelled = (el as HTMLInputElement).labels?.length || el.getAttribute('aria-label')?.trim() || el.getAttribute('aria-labelledby') || el.textContent?.trim() || el.getAttribute('title');
      if (!labelled) out.push(el.outerHTML.slice(0, 120));
    }
    return out;
  });
}

const SCREENS = [
  ['prompts', '#/prompts'],
  ['issuances', '#/issuances'],
  ['flows', '#/flows'],
  ['activity', '#/activity'],
  ['decoder', '#/decoder'],
  ['resources', '#/resources'],
  ['resource-detail', '#/resources/mcp-a'],
  ['clients', '#/clients'],
  ['users', '#/users'],
  ['consents', '#/consents'],
  ['keys', '#/keys'],
] as const;

describe('main screens', () => {
  it('renders each screen in light and dark without errors', async () => {
    // A pending prompt, so the consent queue has something to show.
    const as = await discover(ui.server.issuer);
    const { url } = await authorizationUrl(as, { issuer: ui.server.issuer, clientId: 'my-agent', redirectUri: 'http://127.0.0.1:8765/callback', scope: 'read write', resource: 'http://127.0.0.1:3001/mcp' });
    await fetch(url, { redirect: 'manual' });
    for (const scheme of ['light', 'dark'] as const) {
      const page = await ui.open();
      await page.emulateMedia({ colorScheme: scheme });
      await page.setViewportSize({ width: 1360, height: 820 });
      for (const [name, hash] of SCREENS) {
        await page.evaluate((h) => (location.hash = h), hash);
        await page.getByRole('heading', { level: 1 }).first().waitFor();
        await page.waitForTimeout(250);
        await screenshot(page, `${name}-${scheme}`);
        if (scheme === 'light') expect(await unnamedControls(page), `controls without an accessible name on ${name}`).toEqual([]);
      }
      // Overlays: the issuance drawer, a form, the command palette.
      await page.evaluate(() => (location.hash = '#/issuances'));
      await page.locator('.vgrid-row').first().click();
      await page.getByRole('dialog', { name: 'Access token' }).waitFor();
      await page.waitForTimeout(250);
      await screenshot(page, `issuance-drawer-${scheme}`);
      await page.keyboard.press('Escape');
      await page.evaluate(() => (location.hash = '#/resources'));
      await page.getByRole('button', { name: 'New resource' }).click();
      await page.getByRole('dialog', { name: 'New resource' }).waitFor();
      await page.waitForTimeout(250);
      await screenshot(page, `resource-form-${scheme}`);
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+k');
      await page.getByRole('combobox', { name: 'Search' }).fill('mcp');
      await page.waitForTimeout(150);
      await screenshot(page, `palette-${scheme}`);
      await page.keyboard.press('Escape');
      expect(uiErrors(page)).toEqual([]);
      await page.close();
    }
  }, 120_000);

  it('shows empty states that say what to do', async () => {
    const empty = await startUiServer();
    try {
      const page = await openWindow(ui.browser, empty);
      await page.setViewportSize({ width: 1360, height: 820 });
      for (const [name, hash, text] of [
        ['empty-prompts', '#/prompts', 'No pending requests'],
        ['empty-issuances', '#/issuances', 'No tokens issued yet'],
        ['empty-resources', '#/resources', 'No resources yet'],
        ['empty-clients', '#/clients', 'No clients yet'],
      ] as const) {
        await page.evaluate((h) => (location.hash = h), hash);
        await page.getByRole('heading', { name: text }).waitFor();
        await screenshot(page, name);
      }
      expect(uiErrors(page)).toEqual([]);
      await page.close();
    } finally {
      await empty.stop();
    }
  });
});
