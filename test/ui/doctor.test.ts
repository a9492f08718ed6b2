/** The window's "Check my MCP server" (the doctor walk) on a resource page, against the real example MCP server. */
import { afterAll, describe, expect, it } from 'vitest';
import { startExampleMcpServer, type ExampleMcpServer } from '../../examples/mcp-server/server';
import { screenshot, uiErrors } from './helpers/ui';
import { useWindow } from './helpers/useWindow';

let mcp: ExampleMcpServer;

const ui = useWindow({
  serve: { consent: 'prompt' },
  seed: async (s) => {
    mcp = await startExampleMcpServer({ issuer: s.issuer });
    await s.services.resources.create({ slug: 'mcp-a', uri: mcp.resource, display_name: 'MCP A', scopes: [{ name: 'read' }, { name: 'write' }] });
  },
  stepTimeout: 20_000,
});
afterAll(async () => {
  await mcp?.close();
});

describe('resource page: full doctor check', () => {
  it('walks the example MCP server to all ✓, and shows the fix when the registration differs', async () => {
    const win = await ui.open('#/resources/mcp-a');
    const panel = win.getByRole('region', { name: 'Check my MCP server' });
    await expect(panel.getByRole('textbox', { name: 'MCP endpoint URL' }).inputValue()).resolves.toBe(mcp.resource);
    await panel.getByRole('button', { name: 'Run check' }).click();
    await panel.getByText(/^Every step passed/).waitFor();
    expect(await panel.locator('li.pass').count()).toBe(15);
    await screenshot(win, 'resource-doctor-ok');

    // The walk is a timeline: the steps that made a request open onto their exchange.
    const timeline = panel.getByRole('list', { name: 'Doctor steps' });
    const unauth = timeline.locator('li[data-step="unauthenticated"]');
    await expect(unauth.locator('.tl-req').textContent()).resolves.toBe(`POST ${mcp.url}`);
    await unauth.getByRole('button', { expanded: false }).click();
    const wwwAuth = unauth.getByLabel('Response headers').locator('div', { has: win.locator('dt', { hasText: /^www-authenticate$/i }) }).locator('dd');
    await expect(wwwAuth.textContent()).resolves.toContain(`resource_metadata="${mcp.prmUrl}"`);
    await expect(unauth.getByLabel('curl command').textContent()).resolves.toContain(`curl -sS -i -X POST '${mcp.url}'`);
    // The token request: the test client's verifier and tokens never reach the window.
    const tokenStep = timeline.locator('li[data-step="token"]');
    await tokenStep.getByRole('button', { expanded: false }).click();
    await expect(tokenStep.getByLabel('Request body').textContent()).resolves.toMatch(/code_verifier=.{4}••••/);
    await expect(tokenStep.getByLabel('Response body').textContent()).resolves.toMatch(/"access_token": ".{4}••••"/);
    // Keyboard: the toggles are buttons in order, arrow keys move between them.
    await tokenStep.getByRole('button', { expanded: true }).focus();
    await win.keyboard.press('ArrowDown');
    await expect(win.evaluate(() => document.activeElement?.closest('li')?.getAttribute('data-step'))).resolves.toBe('call_with_token');
    for (const scheme of ['light', 'dark'] as const) {
      await win.emulateMedia({ colorScheme: scheme });
      await unauth.scrollIntoViewIfNeeded();
      await screenshot(win, `resource-doctor-timeline-${scheme}`);
    }
    await win.emulateMedia({ colorScheme: 'light' });

    // Break the registration by one character: the walk names the difference and the fix.
    await ui.server.services.resources.update('mcp-a', { uri: mcp.resource + '/' });
    await panel.getByRole('textbox', { name: 'MCP endpoint URL' }).fill(mcp.url);
    await panel.getByRole('button', { name: 'Run check' }).click();
    await panel.getByText(/step(s)? failed/).waitFor();
    // The first failed step is red on the rail, its problem and fix spelled out.
    const failed = panel.locator('li.fail').first();
    const why = failed.getByRole('note', { name: 'Why this step failed' });
    await expect(why.locator('.fix dd').textContent()).resolves.toContain('make the two strings identical');
    // The registered and the published URI, with the differing character marked.
    const diff = panel.locator('li[data-step="resource_registered"]').getByLabel('Difference between the published and the registered URI (mcp-a)');
    await expect(diff.locator('del').allTextContents()).resolves.toEqual(['/']);
    await expect(diff.locator('ins').count()).resolves.toBe(0);
    await panel.locator('li[data-step="resource_registered"]').scrollIntoViewIfNeeded();
    await screenshot(win, 'resource-doctor-fail');
    expect(uiErrors(win)).toEqual([]);
  });
});

describe('resource page: the MCP protocol revision of the check', () => {
  it('passes the chosen revision to the walk, as `authserver doctor --protocol` does, and says which was checked', async () => {
    const old = await startExampleMcpServer({ issuer: ui.server.issuer, protocol: '2025-11-25' });
    try {
      await ui.server.services.resources.create({ slug: 'mcp-old', uri: old.resource, display_name: 'MCP old', scopes: [{ name: 'read' }, { name: 'write' }] });
      const win = await ui.open('#/resources/mcp-old');
      const panel = win.getByRole('region', { name: 'Check my MCP server' });
      const revision = panel.getByRole('combobox', { name: 'MCP protocol revision' });
      await expect(revision.inputValue()).resolves.toBe('');
      await expect(revision.locator('option').allTextContents()).resolves.toEqual(['Auto-detect', '2026-07-28', '2025-11-25']);

      await revision.selectOption('2025-11-25');
      await expect(panel.getByText(`authserver doctor ${old.resource} --protocol 2025-11-25`).count()).resolves.toBe(1);
      await panel.getByRole('button', { name: 'Run check' }).click();
      await panel.getByText(/^Every step passed/).waitFor();
      await expect(panel.getByText(/^Checked as MCP/).textContent()).resolves.toBe('Checked as MCP 2025-11-25; the server speaks 2025-11-25');
      await expect(panel.locator('li[data-step="protocol"]').getAttribute('class')).resolves.toContain('pass');

      // Requiring the revision this SDK 1.x server does not speak fails the protocol step: the choice reached the walk.
      await revision.selectOption('2026-07-28');
      await panel.getByRole('button', { name: 'Run check' }).click();
      await panel.getByText('Checked as MCP 2026-07-28; the server speaks 2025-11-25').waitFor();
      await expect(panel.locator('li[data-step="protocol"]').getAttribute('class')).resolves.toContain('fail');
      await screenshot(win, 'resource-doctor-protocol');
      expect(uiErrors(win)).toEqual([]);
    } finally {
      await old.close();
    }
  });
});
