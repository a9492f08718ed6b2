/** The window's Audit log page, in Chromium against a real server: rows, filters, live updates. */
import { describe, expect, it } from 'vitest';
import { screenshot, uiErrors } from './helpers/ui';
import { useWindow } from './helpers/useWindow';

const ui = useWindow({
  serve: { consent: 'prompt' },
  seed: async (s) => {
    await s.services.resources.create({ slug: 'mcp-a', uri: 'http://127.0.0.1:3001/mcp', display_name: 'MCP A', scopes: [{ name: 'read' }] });
    await s.services.clients.create({ client_name: 'My agent', client_id: 'my-agent', redirect_uris: ['http://127.0.0.1:8765/callback'], token_endpoint_auth_method: 'none' }, 'admin');
    await s.services.users.create({ sub: 'alice', name: 'Alice' });
  },
  stepTimeout: 20_000,
});

describe('Audit log page', () => {
  it('lists recorded changes newest first, filters them, and shows new ones as they happen', async () => {
    const win = await ui.open('#/audit');
    await win.getByRole('heading', { name: 'Audit log' }).waitFor();
    const table = win.locator('table.table');
    const rowWith = (text: string) => table.locator('tbody tr', { hasText: text });
    await rowWith('user.created').filter({ hasText: 'alice' }).waitFor();
    const first = table.locator('tbody tr').first();
    await expect(first.textContent()).resolves.toContain('user.created');
    await expect(rowWith('resource.created').textContent()).resolves.toContain('uri=http://127.0.0.1:3001/mcp');
    await expect(rowWith('client.created').textContent()).resolves.toContain('My agent');

    // A filter by type group asks the server, and only matching rows remain.
    await win.getByRole('combobox', { name: 'Filter by event type' }).selectOption('resource');
    await win.waitForFunction(() => [...document.querySelectorAll('table.table tbody tr')].every((tr) => tr.textContent!.includes('resource.')));
    expect(await table.locator('tbody tr').count()).toBe(1);

    // A change made elsewhere (the admin API) appears without a reload.
    await ui.server.services.resources.create({ slug: 'mcp-b', uri: 'https://mcp-b.example.com', display_name: 'MCP B', scopes: [{ name: 'deploy' }] });
    await rowWith('mcp-b').waitFor();
    expect(await table.locator('tbody tr').count()).toBe(2);

    await win.getByRole('combobox', { name: 'Filter by event type' }).selectOption('');
    await win.getByRole('combobox', { name: 'Filter by client' }).selectOption('my-agent');
    await win.waitForFunction(() => document.querySelectorAll('table.table tbody tr').length === 1);
    await expect(table.locator('tbody tr').first().textContent()).resolves.toContain('client.created');
    await win.getByRole('combobox', { name: 'Filter by user' }).selectOption('alice');
    await win.getByText('No audit events match').waitFor();
    await screenshot(win, 'audit-log');
    expect(uiErrors(win)).toEqual([]);
  });

  it('is in the sidebar', async () => {
    const win = await ui.open('#/prompts');
    await win.getByRole('link', { name: 'Audit log' }).click();
    await win.getByRole('heading', { name: 'Audit log' }).waitFor();
    expect(win.url()).toContain('#/audit');
  });
});
