/**
 * The window for the gateway and fan-out topologies, in real Chromium against a real server:
 * fronting links on the resource page (add, refuse, delete), an exchanged token's act chain and
 * lineage in the issuance drawer and in the decoder, and an agent's tokens grouped by resource.
 */
import { describe, expect, it } from 'vitest';
import { decodeJwt } from '../helpers/oauthClient';
import { agentToken, exchange, seedGatewayTopology, type GatewayTopology } from '../helpers/topology';
import { until } from '../helpers/until';
import { screenshot, uiErrors } from './helpers/ui';
import { useWindow } from './helpers/useWindow';

let topo: GatewayTopology;
let exchanged: string;
let userJti: string;

const ui = useWindow({
  serve: { consent: 'auto' },
  seed: async (s) => {
    topo = await seedGatewayTopology(s);
    const user = await agentToken(s, topo.gwUri, 'A B');
    userJti = decodeJwt(user.access_token).payload.jti as string;
    const r = await exchange(s, { clientId: topo.gatewayId, secret: topo.gatewaySecret, subjectToken: user.access_token, resource: 'hidden' });
    expect(r.status).toBe(200);
    exchanged = r.json.access_token as string;
  },
  stepTimeout: 20_000,
});

describe('fronting links on the resource page', () => {
  it('shows what a gateway fronts and what fronts a hidden server; adds, refuses and deletes a link', async () => {
    await ui.server.services.resources.create({ slug: 'archive', uri: 'http://127.0.0.1:3107/mcp', display_name: 'Archive', scopes: [{ name: 'AA' }] });
    const page = await ui.open('#/resources/gw');
    const card = page.getByRole('region', { name: 'Fronting links' });
    const fronts = card.getByRole('table', { name: 'Fronts' });
    await fronts.locator('tr[data-link="gw/hidden"]').waitFor();
    await expect(fronts.locator('tr[data-link="gw/hidden"]').textContent()).resolves.toBe('hiddenA:AA,B:BB+CCEditDelete');

    await card.getByLabel('Hidden resource').selectOption('archive');
    await card.getByRole('textbox', { name: 'Scope map' }).fill('A:ZZ');
    await card.getByRole('button', { name: 'Add link' }).click();
    await expect(card.getByRole('alert').textContent()).resolves.toBe('scope_map: target scope "ZZ" is not defined on resource "archive" (its scopes: AA)');
    await card.getByRole('textbox', { name: 'Scope map' }).fill('A:AA');
    await card.getByRole('button', { name: 'Add link' }).click();
    await fronts.locator('tr[data-link="gw/archive"]').waitFor();
    expect(ui.server.services.fronting.get('gw', 'archive')?.scope_map).toEqual({ A: ['AA'] });
    await screenshot(page, 'topology-fronting-links');

    await fronts.locator('tr[data-link="gw/archive"]').getByRole('button', { name: 'Delete' }).click();
    await fronts.locator('tr[data-link="gw/archive"]').waitFor({ state: 'detached' });
    expect(ui.server.services.fronting.get('gw', 'archive')).toBeUndefined();

    await page.evaluate(() => (location.hash = '#/resources/hidden'));
    const by = page.getByRole('region', { name: 'Fronting links' }).getByRole('table', { name: 'Fronted by' });
    await expect(by.locator('tr[data-link="gw/hidden"]').textContent()).resolves.toContain('gw');
    // The one error is Chromium logging the refused link's 400, which the card showed above.
    expect(uiErrors(page)).toEqual(['Failed to load resource: the server responded with a status of 400 (Bad Request)']);
    await page.close();
  });
});

describe('editing a fronting link', () => {
  it('Edit replaces the scope map: text that does not parse is refused in the form, a scope not in the catalog by the server', async () => {
    const page = await ui.open('#/resources/gw');
    const row = page.getByRole('region', { name: 'Fronting links' }).getByRole('table', { name: 'Fronts' }).locator('tr[data-link="gw/hidden"]');
    await row.getByRole('button', { name: 'Edit' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit gw → hidden' });
    const map = dialog.getByRole('textbox', { name: 'Scope map' });
    await expect(map.inputValue()).resolves.toBe('A:AA,B:BB+CC');

    await map.fill('A=AA');
    await dialog.getByRole('button', { name: 'Save scope map' }).click();
    await expect(dialog.getByText('scope map entry "A=AA" must be SOURCE:TARGET (e.g. A:AA, or read:repo+org to fan out)').isVisible()).resolves.toBe(true);
    await map.fill('A:ZZ');
    await dialog.getByRole('button', { name: 'Save scope map' }).click();
    await expect(dialog.getByRole('alert').filter({ hasText: 'ZZ' }).textContent()).resolves.toBe('scope_map: target scope "ZZ" is not defined on resource "hidden" (its scopes: AA BB CC)');
    expect(ui.server.services.fronting.get('gw', 'hidden')?.scope_map).toEqual({ A: ['AA'], B: ['BB', 'CC'] });

    await map.fill('A:CC,B:AA+BB');
    await dialog.getByRole('button', { name: 'Save scope map' }).click();
    await dialog.waitFor({ state: 'detached' });
    await until(async () => (await row.textContent()) === 'hiddenA:CC,B:AA+BBEditDelete', 'the row to show the new scope map');
    expect(ui.server.services.fronting.get('gw', 'hidden')?.scope_map).toEqual({ A: ['CC'], B: ['AA', 'BB'] });
    await screenshot(page, 'topology-fronting-edit');
    await ui.server.services.fronting.update('gw', 'hidden', { scope_map: { A: ['AA'], B: ['BB', 'CC'] } });
    await page.close();
  });
});

describe('policy lists on the resource page', () => {
  it('shows the runtime and exchange lists; adds a runtime client and removes an exchange client through the sub-list API', async () => {
    const page = await ui.open('#/resources/hidden');
    const card = page.getByRole('region', { name: 'Policy' });
    const runtime = card.getByRole('group', { name: 'Runtime clients' });
    const exchangeList = card.getByRole('group', { name: 'Exchange allowed clients' });
    await exchangeList.locator('tr[data-client="gw-client"]').waitFor();
    await expect(exchangeList.locator('tr[data-client="gw-client"]').textContent()).resolves.toBe('gw-clientgw-clientRemove');
    await expect(runtime.getByText("None: only a token's own client may introspect it (default-deny).").isVisible()).resolves.toBe(true);

    await runtime.getByRole('button', { name: 'Add client' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add to runtime clients' });
    await dialog.getByRole('button', { name: 'Add client' }).click();
    await expect(dialog.getByText('client_id is required').isVisible()).resolves.toBe(true);
    await dialog.getByLabel('Client').selectOption('gw-client');
    await dialog.getByRole('button', { name: 'Add client' }).click();
    await dialog.waitFor({ state: 'detached' });
    await runtime.locator('tr[data-client="gw-client"]').waitFor();
    expect(ui.server.services.resources.require('hidden').policy?.runtime?.client_ids).toEqual(['gw-client']);
    await screenshot(page, 'resource-policy-lists');

    await exchangeList.locator('tr[data-client="gw-client"]').getByRole('button', { name: 'Remove' }).click();
    await exchangeList.getByText('Any client with the token-exchange grant (through a fronting link).').waitFor();
    expect(ui.server.services.resources.require('hidden').policy).toEqual({ runtime: { client_ids: ['gw-client'] }, exchange: { allowed_client_ids: [] } });
    const types = (await ui.server.admin('/audit?type=resource.policy').then((r) => r.json())).events.map((e: { type: string }) => e.type);
    expect(types).toEqual(expect.arrayContaining(['resource.policy.runtime.client.added', 'resource.policy.exchange.allowed_client.removed']));
    expect(uiErrors(page)).toEqual([]);
    await ui.server.services.policies.add('hidden', 'exchange', { client_id: 'gw-client' });
    await ui.server.services.policies.remove('hidden', 'runtime', 'gw-client');
    await page.close();
  });
});

describe('an exchanged token in the window', () => {
  it('the issuance drawer explains the act chain step by step and lists the token it was exchanged from', async () => {
    const jti = decodeJwt(exchanged).payload.jti as string;
    const page = await ui.open(`#/issuances?jti=${jti}`);
    await page.getByRole('row').filter({ hasText: jti }).first().click();
    const drawer = page.getByRole('dialog', { name: 'Access token' });
    const chain = drawer.getByRole('list', { name: 'Delegation chain' });
    await chain.waitFor();
    const steps = await chain.locator('li').evaluateAll((els) => els.map((e) => [e.getAttribute('data-step'), e.textContent]));
    expect(steps).toEqual([
      ['subject', `${(decodeJwt(exchanged).payload.sub as string)} is the subject (sub): the user every actor below acts for.`],
      ['agent', 'my-agent (my-agent, a client) the agent the user approved (act.act.sub).'],
      ['actor', 'gw (Gateway, a resource) exchanged the token for this audience (act.sub): the current actor, the one MCP servers authorize on.'],
    ]);
    const lineage = drawer.getByRole('table', { name: 'Exchanged from' });
    await lineage.locator(`tr[data-jti="${userJti}"]`).waitFor();
    await expect(lineage.locator(`tr[data-jti="${userJti}"]`).textContent()).resolves.toBe(`${userJti} · authorization_codemy-agentgwA Bactive`);
    await expect(drawer.getByRole('region').or(drawer.locator('section')).last().textContent()).resolves.toContain('"act"');
    await screenshot(page, 'topology-issuance-chain');
    expect(uiErrors(page)).toEqual([]);
    await page.close();
  });

  it('the decoder shows the act chain of a pasted exchanged token', async () => {
    const page = await ui.open('#/decoder');
    await page.getByRole('textbox', { name: 'Token' }).fill(exchanged);
    const card = page.getByRole('region', { name: 'Delegation chain (act)' });
    await card.waitFor();
    await expect(card.getByRole('list', { name: 'Delegation chain' }).locator('li[data-step="actor"]').textContent()).resolves.toContain('gw (Gateway, a resource)');
    await expect(page.locator('[data-check="client"]').textContent()).resolves.toContain('Exchanged by gateway Gateway');
    await page.locator('li.pass[data-check="signature"]').waitFor();
    await screenshot(page, 'topology-decoder-act');
    expect(uiErrors(page)).toEqual([]);
    await page.close();
  });

  it("an agent's tokens are grouped by resource, and a group narrows the log", async () => {
    await ui.server.services.resources.create({ slug: 'second', uri: 'http://127.0.0.1:3108/mcp', display_name: 'Second MCP', scopes: [{ name: 'x' }] });
    await agentToken(ui.server, 'http://127.0.0.1:3108/mcp', 'x');
    const page = await ui.open('#/issuances?client=my-agent');
    const groups = page.getByRole('group', { name: 'Tokens by resource' });
    await groups.locator('[data-resource="second"]').waitFor();
    await expect(groups.locator('[data-resource="gw"]').textContent()).resolves.toBe('Gateway 1 active / 1');
    await expect(groups.locator('[data-resource="second"]').textContent()).resolves.toBe('Second MCP 1 active / 1');
    await screenshot(page, 'topology-tokens-by-resource');
    await groups.locator('[data-resource="second"]').click();
    await page.waitForFunction(() => location.hash.includes('resource=second'));
    expect(uiErrors(page)).toEqual([]);
    await page.close();
  });
});
