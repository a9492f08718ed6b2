/**
 * The decoder's "Mint a test token" panel in real Chromium against a real server: mint a token
 * with chosen defects, see it decoded and checked beside the form, copy it; light and dark.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from '../helpers/oauthClient';
import { screenshot, uiErrors } from './helpers/ui';
import { useWindow } from './helpers/useWindow';

const URI = 'http://127.0.0.1:3001/mcp';

const ui = useWindow({
  seed: (s) => s.services.resources.create({ slug: 'mcp-a', uri: URI, display_name: 'MCP A', scopes: [{ name: 'read' }, { name: 'write' }] }),
  stepTimeout: 20_000,
});
beforeAll(() => ui.browser.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: ui.server.issuer }));

describe('JWT decoder: mint a test token', () => {
  it('mints an expired token with a custom claim and missing scope: decoded beside the form, checks fail on expiry, copy puts it on the clipboard', async () => {
    const win = await ui.open('#/decoder');
    const panel = win.getByRole('region', { name: 'Mint a test token' });
    await panel.getByRole('radio', { name: 'Expired' }).click();
    await panel.getByRole('textbox', { name: 'Scopes' }).fill('read');
    await panel.getByRole('textbox', { name: 'Custom claims' }).fill('{"tenant": "acme"}');
    await panel.getByRole('button', { name: 'Mint token' }).click();

    // The decoder beside it now holds the token: verdict, the failed expiry check, the claim.
    await win.getByRole('heading', { name: 'This token will be rejected' }).waitFor();
    await win.locator('li.fail[data-check="exp"]').waitFor();
    const token = (await win.getByRole('textbox', { name: 'Token' }).inputValue()).trim();
    const { header, payload } = decodeJwt(token);
    expect(header).toMatchObject({ typ: 'at+jwt', alg: 'ES256' });
    expect(payload).toMatchObject({ aud: [URI], scope: 'read', tenant: 'acme', iss: ui.server.issuer });
    expect(payload.exp as number).toBeLessThan(Date.now() / 1000 - 3500);
    await expect(win.getByRole('region', { name: 'Decoded token' }).textContent()).resolves.toContain('"tenant"');
    // Signed by the published key: the signature check passes.
    await win.locator('li.pass[data-check="signature"]').waitFor();

    await panel.getByRole('button', { name: 'Copy token' }).click();
    await panel.getByRole('button', { name: 'Copied' }).waitFor();
    await expect(win.evaluate(() => navigator.clipboard.readText())).resolves.toBe(token);

    // Tall enough to show the form and the verdict beside it in one picture.
    await win.setViewportSize({ width: 1280, height: 1250 });
    await win.evaluate(() => window.scrollTo(0, 0));
    for (const scheme of ['light', 'dark'] as const) {
      await win.emulateMedia({ colorScheme: scheme });
      await screenshot(win, `decoder-test-token-${scheme}`);
    }
    expect(uiErrors(win)).toEqual([]);
  });

  it('a key not in the JWKS: the decoder finds no key for its kid', async () => {
    const win = await ui.open('#/decoder');
    const panel = win.getByRole('region', { name: 'Mint a test token' });
    await panel.getByRole('checkbox', { name: /Sign with a key not in the JWKS/ }).check();
    await panel.getByRole('button', { name: 'Mint token' }).click();
    await win.locator('li.fail[data-check="signature"]').waitFor();
    const kid = decodeJwt((await win.getByRole('textbox', { name: 'Token' }).inputValue()).trim()).header.kid as string;
    expect(kid).toMatch(/^unpublished-/);
    expect(ui.server.services.keys.jwks().keys.map((k) => k.kid)).not.toContain(kid);
    expect(uiErrors(win)).toEqual([]);
  });

  it('custom claims that are not a JSON object: a field error, the mint button disabled', async () => {
    const win = await ui.open('#/decoder');
    const panel = win.getByRole('region', { name: 'Mint a test token' });
    await panel.getByRole('textbox', { name: 'Custom claims' }).fill('[1]');
    await panel.getByText('Enter a JSON object, for example {"tenant": "acme"}.').waitFor();
    await expect(panel.getByRole('button', { name: 'Mint token' }).isDisabled()).resolves.toBe(true);
    // A claim the minter sets: the server's refusal, shown as is.
    await panel.getByRole('textbox', { name: 'Custom claims' }).fill('{"aud": "x"}');
    await panel.getByRole('button', { name: 'Mint token' }).click();
    await panel.getByRole('alert').getByText('claims.aud: "aud" is set by the minter: use aud (--aud) instead').waitFor();
    expect(uiErrors(win).filter((e) => !/status of 400/.test(e))).toEqual([]);
  });
});
