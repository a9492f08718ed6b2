/**
 * The desktop window against a real server in real Chromium: consent decided in the window
 * (approve / deny), the issuance log updating live, the JWT decoder's explanations, and a
 * resource and client created through the forms and then used for a full flow.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startCallbackServer } from '../helpers/callbackServer';
import { authorizationUrl, decodeJwt, discover, postForm } from '../helpers/oauthClient';
import { seedSingleMcp } from '../helpers/server';
import { protectedResourceMetadata, prmPath } from '../../server/sdk/prm';
import { screenshot, uiErrors } from './helpers/ui';
import { useWindow } from './helpers/useWindow';

let cb: Awaited<ReturnType<typeof startCallbackServer>>;

const ui = useWindow({
  serve: { consent: 'prompt' },
  seed: async (s) => {
    await seedSingleMcp(s);
    cb = await startCallbackServer();
  },
  stepTimeout: 10_000,
  open: {
    hash: '#/prompts',
    ready: async (win) => {
      // Fail on the step that hangs, with its locator, rather than on the test timeout.
      win.setDefaultTimeout(10_000);
      await win.getByRole('heading', { name: 'Consent prompts', level: 1 }).waitFor();
    },
  },
});
afterAll(async () => {
  await cb?.close();
});

/** A client starts an authorization in the user's browser tab, which waits on the consent page. */
async function startAuthorization(o: { clientId: string; scope: string; resource: string; state: string; redirectUri?: string; prompt?: string }) {
  const as = await discover(ui.server.issuer);
  const { url, verifier } = await authorizationUrl(as, { issuer: ui.server.issuer, redirectUri: o.redirectUri ?? cb.url, ...o });
  if (o.prompt) url.searchParams.set('prompt', o.prompt);
  const tab = await ui.browser.newPage();
  await tab.goto(url.toString());
  await tab.getByRole('button', { name: 'Approve' }).waitFor();
  return { tab, verifier };
}

/** Closes a client tab once it has landed on the callback (closing mid-navigation can stall Chromium). */
async function closeTab(tab: Page) {
  await tab.waitForURL(/\/callback\?/);
  await tab.close();
}

async function exchange(code: string, verifier: string, clientId: string) {
  return postForm(`${ui.server.issuer}/oauth/token`, { grant_type: 'authorization_code', code, code_verifier: verifier, client_id: clientId, redirect_uri: cb.url });
}

describe('consent in the window', () => {
  it('Approve in the window: the tab redirects with a code, the client gets a token, the issuance appears live', async () => {
    await ui.win.evaluate(() => (location.hash = '#/prompts'));
    const { tab, verifier } = await startAuthorization({ clientId: 'my-agent', scope: 'read write', resource: 'http://127.0.0.1:3001/mcp', state: 'win-approve' });
    const card = ui.win.getByRole('article', { name: /my-agent wants access to MCP A/ });
    await card.waitFor();
    await expect(ui.win.getByRole('link', { name: /Consent prompts/ }).textContent()).resolves.toContain('1');
    await screenshot(ui.win, 'flow-prompt-pending');
    // Narrow to read only, approve as the default user.
    await card.getByRole('checkbox', { name: /Write access/ }).uncheck();
    const hit = cb.forState('win-approve');
    await card.getByRole('button', { name: 'Approve my-agent' }).click();
    const callback = await hit;
    expect(callback.searchParams.get('state')).toBe('win-approve');
    expect(callback.searchParams.get('iss')).toBe(ui.server.issuer);
    const code = callback.searchParams.get('code')!;
    expect(code).toBeTruthy();
    await card.waitFor({ state: 'detached' });
    await ui.win.getByText('No pending requests').waitFor();
    await closeTab(tab);

    // The issuance log is open before the token exists; the row must arrive without a reload.
    await ui.win.evaluate(() => (location.hash = '#/issuances'));
    await ui.win.getByRole('heading', { name: 'Issuance log' }).waitFor();
    await ui.win.getByText('No tokens issued yet').waitFor();
    const r = await exchange(code, verifier, 'my-agent');
    expect(r.status).toBe(200);
    expect(r.json.scope).toBe('read');
    const { payload } = decodeJwt(r.json.access_token as string);
    const row = ui.win.locator(`[id="iss-${payload.jti as string}"]`);
    await row.waitFor();
    await expect(row.textContent()).resolves.toMatch(/active.*my-agent.*dev-user.*MCP A.*read/);
    await screenshot(ui.win, 'flow-issuance-live');
    // The row opens the decoded token; revoke it from there.
    await row.click();
    const drawer = ui.win.getByRole('dialog', { name: 'Access token' });
    await drawer.getByText(payload.jti as string).first().waitFor();
    await expect(drawer.textContent()).resolves.toContain(payload.jti as string);
    await drawer.getByRole('button', { name: 'Revoke token' }).click();
    await ui.win.getByRole('dialog', { name: 'Revoke this access token?' }).getByRole('button', { name: 'Revoke token' }).click();
    await drawer.getByText(/^Revoked/).first().waitFor();
    const intro = await postForm(`${ui.server.issuer}/oauth/introspect`, { token: r.json.access_token as string }, { authorization: `Bearer ${ui.adminToken}` });
    expect(intro.json.active).toBe(false);
    await ui.win.keyboard.press('Escape');
    // The row follows the revocation event; wait for it rather than read it at once.
    await row.getByText('revoked').waitFor();
    await expect(row.textContent()).resolves.toContain('revoked');
  });

  it('a burst of tokens, as in a load test, reaches the open log newest first, each once', async () => {
    await ui.win.evaluate(() => (location.hash = '#/issuances'));
    const grid = ui.win.getByRole('grid');
    await grid.waitFor();
    const before = Number(await grid.getAttribute('aria-rowcount'));
    const newBadge = async () => Number(/(\d+) new/.exec((await ui.win.locator('.page-header, header').first().textContent()) ?? '')?.[1] ?? 0);
    const newBefore = await newBadge();
    const client = ui.server.services.clients.get('my-agent')!;
    const resource = ui.server.services.resources.get('mcp-a')!;
    const jtis: string[] = [];
    for (let i = 0; i < 20; i++) {
      const batch = await Promise.all(Array.from({ length: 50 }, () => ui.server.services.tokens.issueForCode({ sub: 'dev-user', client, resource, scope: 'read' })));
      jtis.push(...batch.map((b) => b.jti));
      await new Promise((r) => setImmediate(r));
    }
    await ui.win.waitForFunction((n) => Number(document.querySelector('[role="grid"]')?.getAttribute('aria-rowcount')) >= n, before + 1000);
    expect(Number(await grid.getAttribute('aria-rowcount'))).toBe(before + 1000);
    await ui.win.getByText(`${newBefore + 1000} new`).first().waitFor();
    const top = await ui.win.locator('[role="row"][aria-rowindex="2"]').getAttribute('id');
    const second = await ui.win.locator('[role="row"][aria-rowindex="3"]').getAttribute('id');
    expect([top, second]).toEqual([`iss-${jtis.at(-1)}`, `iss-${jtis.at(-2)}`]);
  });

  it('a decision on the browser consent page removes the prompt from the window', async () => {
    await ui.win.evaluate(() => (location.hash = '#/prompts'));
    const { tab } = await startAuthorization({ clientId: 'my-agent', scope: 'write', resource: 'http://127.0.0.1:3001/mcp', state: 'page-deny' });
    const card = ui.win.getByRole('article', { name: /my-agent wants access/ });
    await card.waitFor();
    const hit = cb.forState('page-deny');
    await tab.getByRole('button', { name: 'Deny' }).click();
    expect((await hit).searchParams.get('error')).toBe('access_denied');
    await card.waitFor({ state: 'detached' });
    await closeTab(tab);
  });

  it('the prompt card says what waits on it, and that it went stale when the tab closed', async () => {
    await ui.win.evaluate(() => (location.hash = '#/prompts'));
    const { tab } = await startAuthorization({ clientId: 'my-agent', scope: 'write', resource: 'http://127.0.0.1:3001/mcp', state: 'stale-tab', prompt: 'consent' });
    const card = ui.win.getByRole('article', { name: /my-agent wants access/ });
    await card.getByText('Waiting: the consent page in a browser tab.').waitFor();
    await tab.close();
    await card.getByText('Stale: whatever started this request has gone (tab closed or command stopped); nobody will pick this decision up.').waitFor({ timeout: 30_000 });
    await screenshot(ui.win, 'flow-prompt-stale');
    await card.getByRole('button', { name: 'Deny my-agent' }).click();
    await card.waitFor({ state: 'detached' });
  });

  it('Deny in the window yields access_denied at the client', async () => {
    await ui.win.evaluate(() => (location.hash = '#/prompts'));
    // "write" was not consented before, so the user is asked again.
    const { tab } = await startAuthorization({ clientId: 'my-agent', scope: 'write', resource: 'http://127.0.0.1:3001/mcp', state: 'win-deny' });
    const card = ui.win.getByRole('article', { name: /my-agent wants access/ });
    await card.waitFor();
    // Step-up (SEP-2350): what dev-user approved in the first test stays granted with this request.
    await expect(card.getByTestId('prompt-kept').textContent()).resolves.toBe('Already allowed earlier by dev-user, and kept with this request: Read access (read).');
    const hit = cb.forState('win-deny');
    await card.getByRole('button', { name: 'Deny my-agent' }).click();
    const callback = await hit;
    expect([callback.searchParams.get('error'), callback.searchParams.get('state'), callback.searchParams.get('iss')]).toEqual(['access_denied', 'win-deny', ui.server.issuer]);
    await card.waitFor({ state: 'detached' });
    await closeTab(tab);
  });
});

describe('JWT decoder', () => {
  async function decode(token: string) {
    await ui.win.evaluate(() => (location.hash = '#/decoder'));
    const box = ui.win.getByRole('textbox', { name: 'Token' });
    await box.fill(token);
    // Wait for the signature check (async) to settle.
    await ui.win.locator('[data-check="signature"] .ct').filter({ hasNotText: 'Verifying' }).waitFor();
    return ui.win.getByRole('list', { name: 'Checks' });
  }
  const sign = (claims: Record<string, unknown>) => ui.server.services.keys.signJwt('ES256', { typ: 'at+jwt' }, claims).jwt;
  const now = () => Math.floor(Date.now() / 1000);
  const base = () => ({ iss: ui.server.issuer, sub: 'dev-user', aud: 'http://127.0.0.1:3001/mcp', client_id: 'my-agent', scope: 'read', jti: `t-${Math.random()}`, iat: now(), nbf: now(), exp: now() + 600 });

  it('explains a valid token', async () => {
    const checks = await decode(sign(base()));
    await expect(ui.win.getByRole('status').filter({ hasText: 'Valid token' }).first().textContent()).resolves.toContain('will accept this token');
    const text = await checks.textContent();
    expect(text).toContain('Signature is valid');
    expect(text).toContain('Type is at+jwt');
    expect(text).toContain('Issuer matches');
    expect(text).toContain('Audience is MCP A');
    expect(text).toMatch(/Expires in (9|10) min/);
    expect(text).toContain('Scopes: read');
    await screenshot(ui.win, 'decoder-valid');
  });

  it('explains an expired token', async () => {
    const checks = await decode(sign({ ...base(), iat: now() - 3600, nbf: now() - 3600, exp: now() - 1800 }));
    await ui.win.getByRole('status').filter({ hasText: 'This token will be rejected' }).first().waitFor();
    const exp = checks.locator('[data-check="exp"]');
    await expect(exp.getAttribute('class')).resolves.toBe('fail');
    await expect(exp.textContent()).resolves.toMatch(/Expired (29|30) min ago/);
    await expect(checks.locator('[data-check="signature"]').getAttribute('class')).resolves.toBe('pass');
    await screenshot(ui.win, 'decoder-expired');
  });

  it('explains a wrong audience, highlighting the differing characters', async () => {
    const checks = await decode(sign({ ...base(), aud: 'http://localhost:3001/mcp/' }));
    const aud = checks.locator('[data-check="aud"]');
    await expect(aud.getAttribute('class')).resolves.toBe('fail');
    const text = await aud.textContent();
    expect(text).toContain('Audience is not a registered resource');
    expect(text).toContain('The closest is "mcp-a" (http://127.0.0.1:3001/mcp)');
    expect(text).toContain('an extra “/” at the end');
    await expect(aud.locator('ins').allTextContents()).resolves.toEqual(['localhost', '/']);
    await expect(aud.locator('del').allTextContents()).resolves.toEqual(['127.0.0.1']);
    // Scopes cannot be checked against a catalog without a matching resource.
    await expect(checks.locator('[data-check="scope"]').getAttribute('class')).resolves.toBe('warn');
    await screenshot(ui.win, 'decoder-wrong-audience');
  });

  it('verifies against a pasted JWK and reports a foreign signature', async () => {
    const jwks = (await (await ui.server.fetch('/.well-known/jwks.json')).json()) as { keys: Array<Record<string, unknown>> };
    const checks = await decode(sign(base()));
    await ui.win.getByRole('radio', { name: 'A JWK or JWKS I paste' }).click();
    await ui.win.getByRole('textbox', { name: 'JWK or JWKS' }).fill(JSON.stringify(jwks.keys[0]));
    await expect(checks.locator('[data-check="signature"]').textContent()).resolves.toContain('Verified with the key you pasted');
    // Tamper with the payload: the signature no longer verifies.
    const [h, p, sig] = sign(base()).split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, scope: 'read write' })).toString('base64url')}.${sig}`;
    await ui.win.getByRole('textbox', { name: 'Token' }).fill(forged);
    await checks.locator('[data-check="signature"].fail').waitFor();
    await ui.win.getByRole('radio', { name: "AuthPlane's JWKS" }).click();
    expect(uiErrors(ui.win)).toEqual([]);
  });
});

describe('forms', () => {
  let mcp: Server;
  let mcpUrl: string;
  beforeAll(async () => {
    // A stand-in MCP server: publishes its PRM and challenges unauthenticated calls.
    mcp = createServer((req, res) => {
      const resource = `${mcpUrl}/mcp`;
      if (req.url === prmPath(resource)) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(protectedResourceMetadata({ resource, issuer: ui.server.issuer, scopes: ['notes:read', 'notes:write'], resourceName: 'Notes MCP' })));
      } else {
        res.writeHead(401, { 'www-authenticate': `Bearer resource_metadata="${mcpUrl}${prmPath(resource)}"` });
        res.end();
      }
    });
    await new Promise<void>((r) => mcp.listen(0, '127.0.0.1', r));
    mcpUrl = `http://127.0.0.1:${(mcp.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => mcp.close(() => r())));

  it('creates a resource and a client through the forms, checks the MCP server, then completes a flow with them', async () => {
    const resourceUri = `${mcpUrl}/mcp`;
    await ui.win.evaluate(() => (location.hash = '#/resources'));
    await ui.win.getByRole('button', { name: 'New resource' }).click();
    const form = ui.win.getByRole('dialog', { name: 'New resource' });
    await form.getByLabel('Display name', { exact: true }).fill('Notes MCP');
    await expect(form.getByLabel('Slug', { exact: true }).inputValue()).resolves.toBe('notes-mcp');
    // The shared schema rejects a fragment, like the CLI does.
    await form.getByLabel('Resource URI', { exact: true }).fill(`${resourceUri}#x`);
    await form.getByLabel('Scope 1 name', { exact: true }).fill('notes:read');
    await form.getByLabel('Scope 1 description', { exact: true }).fill('Read notes');
    await form.getByRole('button', { name: 'Add scope' }).click();
    await form.getByLabel('Scope 2 name', { exact: true }).fill('notes:write');
    await form.getByLabel('Scope 2 description', { exact: true }).fill('Write notes');
    await form.getByRole('button', { name: 'Create resource' }).click();
    await expect(form.getByRole('alert').first().textContent()).resolves.toContain('uri must be an absolute http(s) URL');
    await form.getByLabel('Resource URI', { exact: true }).fill(resourceUri);
    await screenshot(ui.win, 'form-resource');
    await form.getByRole('button', { name: 'Create resource' }).click();
    await ui.win.getByRole('heading', { name: 'Notes MCP', level: 1 }).waitFor();
    expect(ui.server.services.resources.get('notes-mcp')?.uri).toBe(resourceUri);

    // The PRM to publish, and the doctor's check against the stand-in server.
    const prmCard = ui.win.getByRole('region', { name: 'Protected Resource Metadata' });
    // The document loads after the page: wait for it before reading the card.
    await prmCard.getByText(`"${resourceUri}"`).first().waitFor();
    await expect(prmCard.textContent()).resolves.toContain(`"resource": "${resourceUri}"`);
    const check = ui.win.getByRole('region', { name: 'Check my MCP server' });
    await check.getByRole('button', { name: 'Run check' }).click();
    await check.getByRole('status').waitFor();
    // The stand-in serves only its metadata and challenge: those steps pass, byte for byte.
    for (const id of ['unauthenticated', 'challenge', 'prm', 'prm_resource_url', 'resource_registered', 'authorization_servers', 'scopes']) await check.locator(`li.pass[data-step="${id}"]`).waitFor();
    await screenshot(ui.win, 'resource-check-ok');

    await ui.win.evaluate(() => (location.hash = '#/clients'));
    await ui.win.getByRole('button', { name: 'New client' }).click();
    const cform = ui.win.getByRole('dialog', { name: 'New client' });
    await cform.getByLabel('Client name', { exact: true }).fill('Notes agent');
    await cform.getByLabel('client_id', { exact: true }).fill('notes-agent');
    await cform.getByLabel('Redirect URI 1', { exact: true }).fill('http://example.com/cb');
    await cform.getByRole('button', { name: 'Create client' }).click();
    await expect(cform.getByRole('alert').first().textContent()).resolves.toContain('redirect URI "http://example.com/cb" is not allowed: http is allowed only on a loopback host');
    await cform.getByLabel('Redirect URI 1', { exact: true }).fill(cb.url);
    await cform.getByRole('button', { name: 'Create client' }).click();
    await ui.win.getByRole('heading', { name: 'Notes agent', level: 1 }).waitFor();

    // The flow: consent approved in the window, token minted for the new resource.
    await ui.win.evaluate(() => (location.hash = '#/prompts'));
    const { tab, verifier } = await startAuthorization({ clientId: 'notes-agent', scope: 'notes:read notes:write', resource: resourceUri, state: 'forms' });
    const card = ui.win.getByRole('article', { name: /Notes agent wants access to Notes MCP/ });
    await card.waitFor();
    const hit = cb.forState('forms');
    await card.getByRole('button', { name: 'Approve Notes agent' }).click();
    const callback = await hit;
    await closeTab(tab);
    const r = await exchange(callback.searchParams.get('code')!, verifier, 'notes-agent');
    expect(r.status).toBe(200);
    const { payload } = decodeJwt(r.json.access_token as string);
    expect([payload.aud, payload.client_id, payload.scope]).toEqual([[resourceUri], 'notes-agent', 'notes:read notes:write']);
    expect(uiErrors(ui.win)).toEqual([]);
  });

  it('creates a user, then edits its name and email through the form', async () => {
    await ui.win.evaluate(() => (location.hash = '#/users'));
    await ui.win.getByRole('button', { name: 'New user' }).click();
    const create = ui.win.getByRole('dialog', { name: 'New user' });
    await create.getByLabel('sub', { exact: true }).fill('erin');
    await create.getByLabel('Name', { exact: true }).fill('Erin');
    await create.getByRole('button', { name: 'Create user' }).click();
    const row = ui.win.getByRole('row').filter({ has: ui.win.getByRole('cell', { name: 'erin', exact: true }) });
    await row.getByRole('cell', { name: 'Erin', exact: true }).waitFor();

    await ui.win.getByRole('button', { name: 'Edit user erin' }).click();
    const form = ui.win.getByRole('dialog', { name: 'Edit erin' });
    // The sub is fixed; the fields start from the user as it is.
    await expect(form.getByLabel('sub', { exact: true }).isDisabled()).resolves.toBe(true);
    await expect(form.getByLabel('sub', { exact: true }).inputValue()).resolves.toBe('erin');
    await expect(form.getByLabel('Name', { exact: true }).inputValue()).resolves.toBe('Erin');
    await form.getByLabel('Name', { exact: true }).fill('Erin Example');
    // The shared schema rejects a bad email before anything is sent.
    await form.getByLabel('Email', { exact: true }).fill('not-an-email');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await form.getByRole('alert').first().waitFor();
    expect(ui.server.services.users.get('erin')).toMatchObject({ name: 'Erin' });
    await form.getByLabel('Email', { exact: true }).fill('erin@example.com');
    await screenshot(ui.win, 'form-user-edit');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await form.waitFor({ state: 'hidden' });
    // The list follows the user.updated event.
    await row.getByRole('cell', { name: 'erin@example.com' }).waitFor();
    await expect(row.getByRole('cell', { name: 'Erin Example', exact: true }).count()).resolves.toBe(1);
    expect(ui.server.services.users.get('erin')).toMatchObject({ sub: 'erin', name: 'Erin Example', email: 'erin@example.com' });

    // Clearing the email removes it.
    await ui.win.getByRole('button', { name: 'Edit user erin' }).click();
    await form.getByLabel('Email', { exact: true }).fill('');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await form.waitFor({ state: 'hidden' });
    await row.getByRole('cell', { name: '—' }).waitFor();
    expect(ui.server.services.users.get('erin')).not.toHaveProperty('email');
    expect(uiErrors(ui.win)).toEqual([]);
  });
});
