/**
 * Dynamic registration as an attack surface (issue 10 items 1, 5, 8): anyone who can reach
 * 127.0.0.1 can POST /oauth/register. Each attack runs against the real server: DCR may not
 * create a machine client that mints tokens without consent, no path accepts a redirect URI
 * with a fragment or a browser-owned scheme, and one registration (and the number of them) is
 * bounded, with `prune` to recover once the cap is hit.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '../../server/contracts';
import { DCR_LIMITS } from '../../server/contracts';
import { randomToken, sha256hex } from '../../server/domain/crypto';
import { startTestServer, type TestServer } from '../helpers/server';

let s: TestServer;
const RES = 'http://127.0.0.1:3001/mcp';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

beforeAll(async () => {
  // Prompt mode: the catalog is only reachable through a user's consent, which is the point.
  s = await startTestServer({ consent: 'prompt' });
  await s.services.resources.create({ slug: 'mcp-a', uri: RES, display_name: 'MCP A', scopes: [{ name: 'read', description: 'Read' }, { name: 'admin', description: 'Everything' }] });
});
afterAll(() => s.stop());

const register = (body: unknown) => s.fetch('/oauth/register', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const token = (form: Record<string, string>) => s.fetch('/oauth/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });
const authorize = (clientId: string, redirectUri: string) =>
  s.fetch(`/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: redirectUri, scope: 'read', resource: RES, state: 'st', code_challenge: CHALLENGE, code_challenge_method: 'S256' })}`, {
    redirect: 'manual',
    headers: { accept: 'text/html' },
  });
const clientsFile = () => join(s.dataDir, 'clients.json');
const dcrCount = () => s.services.clients.list().filter((c) => c.registration_source === 'dcr').length;

const MACHINE_RULE =
  'a client that registered itself (dynamic registration) may only use authorization_code and refresh_token, not client_credentials: tokens without a user\'s consent need a client created by the admin (authserver admin client create --grant-types client_credentials, the admin API, the window or a seed)';

describe('item 1: DCR cannot create a machine client (tokens without consent)', () => {
  it('refuses client_credentials at registration, confidential or public, and stores nothing', async () => {
    const before = s.services.clients.list().length;
    for (const method of ['client_secret_post', 'none']) {
      const res = await register({ client_name: 'sneaky', token_endpoint_auth_method: method, grant_types: ['client_credentials'], redirect_uris: ['http://127.0.0.1:8765/cb'] });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'invalid_client_metadata', error_description: `grant_types: ${MACHINE_RULE}` });
    }
    const mixed = await register({ client_name: 'sneaky', token_endpoint_auth_method: 'client_secret_basic', grant_types: ['authorization_code', 'client_credentials'], redirect_uris: ['http://127.0.0.1:8765/cb'] });
    expect(mixed.status).toBe(400);
    expect((await mixed.json()).error).toBe('invalid_client_metadata');
    expect(s.services.clients.list().length).toBe(before);
  });

  it('a self-registered client stored before the fix gets unauthorized_client at /oauth/token, not the catalog', async () => {
    const secret = randomToken(32);
    const now = new Date().toISOString();
    const legacy: Client = {
      client_id: 'legacy-dcr',
      client_name: 'registered by an old build',
      redirect_uris: [],
      grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
      scope: [],
      status: 'active',
      registration_source: 'dcr',
      secret_hash: sha256hex(secret),
      created_at: now,
      updated_at: now,
    };
    await s.services.deps.store.clients.put(legacy.client_id, legacy);
    const res = await token({ grant_type: 'client_credentials', client_id: 'legacy-dcr', client_secret: secret, resource: RES });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'unauthorized_client', error_description: `client "legacy-dcr" is refused: ${MACHINE_RULE}` });
  });

  it('the admin cannot turn a self-registered client into a machine client either', async () => {
    const reg = await (await register({ client_name: 'agent', redirect_uris: ['http://127.0.0.1:8765/cb'] })).json();
    const res = await s.admin(`/clients/${reg.client_id}`, { method: 'PATCH', body: JSON.stringify({ grant_types: ['authorization_code', 'client_credentials'] }) });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_client_metadata', error_description: MACHINE_RULE });
  });

  it('machine clients stay creatable by the admin and get their token', async () => {
    const created = await (await s.admin('/clients', { method: 'POST', body: JSON.stringify({ client_name: 'ci', grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_post', scope: ['read'] }) })).json();
    const res = await token({ grant_type: 'client_credentials', client_id: created.client_id, client_secret: created.client_secret, resource: RES });
    expect(res.status).toBe(200);
    expect((await res.json()).scope).toBe('read');
  });
});

describe('item 5 and Also: one redirect URI rule on every path', () => {
  const FRAGMENT = 'it has a fragment ("#..."), which RFC 6749 §3.1.2 forbids';

  it('authorize refuses a fragment (…/cb%23frag) for a public client with no registered URIs: a page, never a redirect', async () => {
    const reg = await (await register({ client_name: 'no-uris', token_endpoint_auth_method: 'none' })).json();
    const res = await authorize(reg.client_id, 'http://127.0.0.1:8765/cb#frag');
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('Invalid Redirect URI');
    expect(html).toContain(`redirect_uri &quot;http://127.0.0.1:8765/cb#frag&quot; is not allowed: ${FRAGMENT.replace(/"/g, '&quot;')}`);
    // The same client still works without the fragment (prompt mode: on to the consent page).
    const ok = await authorize(reg.client_id, 'http://127.0.0.1:8765/cb');
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toMatch(/^\/consent\?interaction=/);
  });

  it('authorize refuses a fragment even when a client stored before the rule registered it exactly', async () => {
    const now = new Date().toISOString();
    await s.services.deps.store.clients.put('legacy-frag', { client_id: 'legacy-frag', client_name: 'old', redirect_uris: ['https://app.example.com/cb#x'], grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'none', scope: [], status: 'active', registration_source: 'dcr', created_at: now, updated_at: now });
    const res = await authorize('legacy-frag', 'https://app.example.com/cb#x');
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });

  it('DCR refuses a fragment with invalid_redirect_uri', async () => {
    const res = await register({ client_name: 'x', redirect_uris: ['http://127.0.0.1:8765/cb#frag'] });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_redirect_uri', error_description: `redirect URI "http://127.0.0.1:8765/cb#frag" is not allowed: ${FRAGMENT}` });
  });

  it('the admin API and the seed refuse a fragment too', async () => {
    const admin = await s.admin('/clients', { method: 'POST', body: JSON.stringify({ client_name: 'x', redirect_uris: ['https://app.example.com/cb#frag'] }) });
    expect(admin.status).toBe(400);
    expect(JSON.stringify(await admin.json())).toContain(`redirect URI \\"https://app.example.com/cb#frag\\" is not allowed: ${FRAGMENT.replace(/"/g, '\\"')}`);
    const seed = await s.admin('/seed', { method: 'POST', headers: { 'content-type': 'application/yaml' }, body: 'clients:\n  - name: seeded\n    redirect_uris: ["https://app.example.com/cb#frag"]\n' });
    expect(seed.status).toBe(400);
    expect(JSON.stringify(await seed.json())).toContain('is not allowed: it has a fragment');
    expect(s.services.clients.list().some((c) => c.client_name === 'seeded')).toBe(false);
  });

  it.each([
    ['chrome://settings/passwords', 'chrome:'],
    ['view-source:https://example.com/', 'view-source:'],
    ['about:blank', 'about:'],
    ['blob:https://evil.example/0c5e0b6e', 'blob:'],
    ['data:text/html,<script>alert(1)</script>', 'data:'],
    ['javascript:alert(document.cookie)', 'javascript:'],
    ['file:///etc/passwd', 'file:'],
    ['chrome-extension://abcdefghijklmnop/cb.html', 'chrome-extension:'],
  ])('DCR refuses the browser-owned redirect %s', async (uri, scheme) => {
    const res = await register({ client_name: 'x', redirect_uris: [uri] });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: 'invalid_redirect_uri',
      error_description: `redirect URI "${uri}" is not allowed: the scheme "${scheme}" belongs to the browser, not to an app; use https, http on a loopback host, or your app's own private-use scheme (e.g. com.example.app:/callback)`,
    });
  });

  it('DCR refuses non-ASCII and whitespace, and keeps accepting app schemes', async () => {
    for (const uri of ['https://app.example.com/c\u00e9', 'https://app.example.com/a b', 'http://127.0.0.1/\u0000']) {
      const res = await register({ client_name: 'x', redirect_uris: [uri] });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'invalid_redirect_uri', error_description: `redirect URI "${uri}" is not allowed: it must be printable ASCII without spaces (percent-encode anything else)` });
    }
    const ok = await register({ client_name: 'apps', redirect_uris: ['com.example.app:/cb', 'cursor://anysphere.cursor-retrieval/oauth/callback', 'https://app.example.com/c%C3%A9'] });
    expect(ok.status).toBe(201);
  });

  it('the consent page names the app a private-use redirect returns to', async () => {
    const reg = await (await register({ client_name: 'Native App', redirect_uris: ['com.example.app:/cb'] })).json();
    const res = await authorize(reg.client_id, 'com.example.app:/cb');
    expect(res.status).toBe(303);
    const html = await (await s.fetch(res.headers.get('location')!, { headers: { accept: 'text/html' } })).text();
    expect(html).toContain('After you decide, your browser returns to the app <strong>com.example.app</strong>.');
    const webClient = await (await register({ client_name: 'Web', redirect_uris: ['https://app.example.com/cb'] })).json();
    const web = await authorize(webClient.client_id, 'https://app.example.com/cb');
    const webHtml = await (await s.fetch(web.headers.get('location')!, { headers: { accept: 'text/html' } })).text();
    expect(webHtml).toContain('After you decide, your browser returns to <strong>app.example.com</strong>.');
  });
});

describe('item 8: what one registration and all of them may cost', () => {
  const L = DCR_LIMITS;
  const rejects = async (body: unknown, description: string) => {
    const before = await readFile(clientsFile(), 'utf8');
    const res = await register(body);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_client_metadata', error_description: description });
    expect(await readFile(clientsFile(), 'utf8')).toBe(before);
  };
  const longUri = (n: number) => `https://app.example.com/${'a'.repeat(n - 'https://app.example.com/'.length)}`;

  it('refuses the 41 KB registration of the issue (20 URIs × 2048 chars, 255-char name), naming each limit', async () => {
    await rejects({ client_name: 'n'.repeat(255), redirect_uris: Array.from({ length: 20 }, (_, i) => `${longUri(2040)}${i}`.slice(0, 2048)) }, expect.stringMatching(/^invalid client metadata: client_name: client_name may be at most 100 characters \(limit for dynamic registration\); redirect_uris: at most 10 redirect URIs per registration \(limit for dynamic registration\)/) as unknown as string);
    await rejects({ client_name: 'x', redirect_uris: Array.from({ length: L.redirect_uris + 1 }, (_, i) => `http://127.0.0.1/${i}`) }, 'invalid client metadata: redirect_uris: at most 10 redirect URIs per registration (limit for dynamic registration)');
    await rejects({ client_name: 'x', redirect_uris: [longUri(L.redirect_uri_length + 1)] }, 'invalid client metadata: redirect_uris.0: a redirect URI may be at most 512 characters (limit for dynamic registration)');
    await rejects({ client_name: 'n'.repeat(L.client_name_length + 1) }, 'invalid client metadata: client_name: client_name may be at most 100 characters (limit for dynamic registration)');
    await rejects({ client_name: 'x', scope: 's '.repeat(600) }, 'invalid client metadata: scope: scope may be at most 1000 characters (limit for dynamic registration)');
    await rejects({ client_name: 'x', grant_types: Array.from({ length: 11 }, () => 'authorization_code') }, 'invalid client metadata: grant_types: at most 10 grant types per registration (limit for dynamic registration)');
  });

  it('the largest registration allowed stays a few KB, in clients.json and in the audit log', async () => {
    const res = await register({ client_name: 'n'.repeat(L.client_name_length), redirect_uris: Array.from({ length: L.redirect_uris }, (_, i) => `${longUri(L.redirect_uri_length - 1)}${i}`) });
    expect(res.status).toBe(201);
    const { client_id } = await res.json();
    const row = JSON.stringify(s.services.clients.get(client_id));
    expect(row.length).toBeLessThan(6 * 1024);
  });

  it('caps self-registered clients: 403 access_denied saying how to prune; prune frees room and keeps clients with live grants', async () => {
    // Fill to one below the cap in one write (registering them one by one only costs time).
    const now = new Date().toISOString();
    const filler = Array.from({ length: L.clients - 1 - dcrCount() }, (_, i): Client => ({ client_id: `filler-${i}`, client_name: 'filler', redirect_uris: [], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none', scope: [], status: 'active', registration_source: 'dcr', created_at: now, updated_at: now }));
    await s.services.deps.store.clients.batch(filler.map((row) => ({ key: row.client_id, row })));
    expect(dcrCount()).toBe(L.clients - 1);

    const last = await register({ client_name: 'the 500th' });
    expect(last.status).toBe(201);
    const kept = (await last.json()).client_id as string;
    await s.services.consents.record('dev-user', kept, 'mcp-a', ['read']);

    const sizeAtCap = (await stat(clientsFile())).size;
    const refused = await register({ client_name: 'one too many' });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({
      error: 'access_denied',
      error_description: `registration refused: this server already keeps 500 self-registered clients, the most it allows (500); delete unused ones with \`authserver admin client prune\` (or POST /admin/api/clients/prune), then register again`,
    });
    expect((await stat(clientsFile())).size).toBe(sizeAtCap);

    // Admin clients are not capped: the machine stays manageable.
    expect((await s.admin('/clients', { method: 'POST', body: JSON.stringify({ client_name: 'still fine' }) })).status).toBe(201);

    // The default (1h) spares registrations that may be mid-authorization.
    const young = await (await s.admin('/clients/prune', { method: 'POST', body: JSON.stringify({ dry_run: true }) })).json();
    expect(young).toEqual({ pruned: [], remaining: 500, limit: 500, older_than: '1h', dry_run: true });

    const bad = await s.admin('/clients/prune', { method: 'POST', body: JSON.stringify({ older_than: 'soon' }) });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('older_than must be a duration such as 0, 30m, 1h or 7d');

    const pruned = await (await s.admin('/clients/prune', { method: 'POST', body: JSON.stringify({ older_than: '0' }) })).json();
    expect(pruned.pruned).not.toContain(kept);
    expect(pruned).toMatchObject({ remaining: 1, limit: 500, older_than: '0', dry_run: false });
    expect(s.services.clients.get(kept)).toBeDefined();
    expect(s.services.clients.list().every((c) => c.registration_source !== 'dcr' || c.client_id === kept)).toBe(true);
    expect(s.services.clients.list().some((c) => c.client_name === 'still fine')).toBe(true);

    expect((await register({ client_name: 'room again' })).status).toBe(201);
  });
});
