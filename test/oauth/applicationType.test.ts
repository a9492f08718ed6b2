/**
 * SEP-837 (MCP 2026-07-28): `application_type` at registration. A native client's redirects are
 * loopback http or a private-use scheme, a web client's are https on a real host; a client that
 * does not say is taken to be what its redirects imply. One rule for dynamic registration, the
 * admin API, seeds and Client ID Metadata Documents, against the real server.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applySeed } from '../../server/seed';
import { exportSeed } from '../../server/seed/exportSeed';
import { seedSingleMcp, startTestServer, type TestServer } from '../helpers/server';

const NATIVE_REFUSED = (uri: string) =>
  `redirect URI "${uri}" does not fit application_type "native": a native app receives the code on a loopback http redirect (http://127.0.0.1, http://localhost or http://[::1], any port) or on its own private-use scheme (com.example.app:/callback); register an https redirect with application_type "web"`;
const WEB_REFUSED = (uri: string) =>
  `redirect URI "${uri}" does not fit application_type "web": a web app's redirect URIs must be https on a host that is not loopback; a loopback or private-use redirect belongs to application_type "native"`;

let s: TestServer;
let docs: Server;
let docOrigin = '';
const documents = new Map<string, unknown>();

beforeAll(async () => {
  s = await startTestServer();
  await seedSingleMcp(s);
  docs = createServer((req, res) => {
    const doc = documents.get(req.url ?? '');
    if (!doc) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(doc));
  });
  await new Promise<void>((r) => docs.listen(0, '127.0.0.1', r));
  docOrigin = `http://127.0.0.1:${(docs.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await s?.stop();
  await new Promise((r) => docs?.close(r));
});

async function register(body: Record<string, unknown>) {
  const res = await s.fetch('/oauth/register', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_name: 'app', ...body }) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('dynamic registration', () => {
  it('registers a native client with loopback and private-use redirects, and says so', async () => {
    const r = await register({ application_type: 'native', redirect_uris: ['http://127.0.0.1:33418/callback', 'http://localhost/cb', 'cursor://anysphere.cursor-retrieval/oauth/callback'] });
    expect(r.status).toBe(201);
    expect(r.body.application_type).toBe('native');
    expect(s.services.clients.get(r.body.client_id as string)?.application_type).toBe('native');
  });

  it('registers a web client with https redirects', async () => {
    const r = await register({ application_type: 'web', redirect_uris: ['https://app.example.com/oauth/callback'] });
    expect(r.status).toBe(201);
    expect(r.body.application_type).toBe('web');
  });

  it('refuses a native client with an https redirect: 400 invalid_redirect_uri naming the rule', async () => {
    const r = await register({ application_type: 'native', redirect_uris: ['http://127.0.0.1/cb', 'https://app.example.com/cb'] });
    expect(r).toMatchObject({ status: 400, body: { error: 'invalid_redirect_uri', error_description: NATIVE_REFUSED('https://app.example.com/cb') } });
  });

  it('refuses a web client with a loopback redirect', async () => {
    const r = await register({ application_type: 'web', redirect_uris: ['http://localhost:6274/oauth/callback'] });
    expect(r).toMatchObject({ status: 400, body: { error: 'invalid_redirect_uri', error_description: WEB_REFUSED('http://localhost:6274/oauth/callback') } });
    const https = await register({ application_type: 'web', redirect_uris: ['https://localhost/cb'] });
    expect(https).toMatchObject({ status: 400, body: { error: 'invalid_redirect_uri', error_description: WEB_REFUSED('https://localhost/cb') } });
  });

  it('refuses an application_type that is neither native nor web: 400 invalid_client_metadata', async () => {
    const r = await register({ application_type: 'desktop', redirect_uris: ['http://127.0.0.1/cb'] });
    expect(r).toMatchObject({ status: 400, body: { error: 'invalid_client_metadata', error_description: 'application_type "desktop" is not supported (supported: native, web)' } });
  });

  it('a client of 2025-11-25 that sends none is registered as what its redirects imply (OIDC\'s "web" default would refuse it)', async () => {
    expect((await register({ redirect_uris: ['http://127.0.0.1:8765/callback'] })).body).toMatchObject({ application_type: 'native' });
    expect((await register({ redirect_uris: ['https://claude.ai/api/mcp/auth_callback'] })).body).toMatchObject({ application_type: 'web' });
    const mixed = await register({ redirect_uris: ['http://127.0.0.1/cb', 'https://vscode.dev/redirect'] });
    expect(mixed.status).toBe(201);
    expect(mixed.body.application_type).toBeUndefined();
  });
});

describe('admin API and seeds', () => {
  it('creates a client with an application type, refuses one its redirects do not fit, and shows it', async () => {
    const bad = await s.admin('/clients', { method: 'POST', body: JSON.stringify({ client_name: 'web app', application_type: 'web', redirect_uris: ['http://127.0.0.1:9/cb'] }) });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'invalid_redirect_uri', error_description: WEB_REFUSED('http://127.0.0.1:9/cb') });
    const ok = await s.admin('/clients', { method: 'POST', body: JSON.stringify({ client_name: 'cli', client_id: 'cli-native', application_type: 'native', redirect_uris: ['http://127.0.0.1/cb'] }) });
    expect(ok.status).toBe(201);
    expect(await (await s.admin('/clients/cli-native')).json()).toMatchObject({ client_id: 'cli-native', application_type: 'native' });
  });

  it('refuses a patch whose redirect URIs no longer fit the stored type, unless the type changes with them', async () => {
    const patch = (body: unknown) => s.admin('/clients/cli-native', { method: 'PATCH', body: JSON.stringify(body) });
    const bad = await patch({ redirect_uris: ['https://app.example.com/cb'] });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'invalid_redirect_uri', error_description: NATIVE_REFUSED('https://app.example.com/cb') });
    const ok = await patch({ redirect_uris: ['https://app.example.com/cb'], application_type: 'web' });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ application_type: 'web', redirect_uris: ['https://app.example.com/cb'] });
  });

  it('a seed sets it, checks it with the same rule, and an export keeps it', async () => {
    await applySeed(s.services, 'clients:\n  - name: seeded\n    client_id: seeded-web\n    application_type: web\n    redirect_uris: [https://seeded.example.com/cb]\n');
    expect(s.services.clients.get('seeded-web')?.application_type).toBe('web');
    await expect(applySeed(s.services, 'clients:\n  - name: wrong\n    client_id: seeded-wrong\n    application_type: native\n    redirect_uris: [https://seeded.example.com/cb]\n')).rejects.toMatchObject({
      error: 'invalid_redirect_uri',
      message: NATIVE_REFUSED('https://seeded.example.com/cb'),
    });
    expect(exportSeed(s.services)).toContain('    application_type: web\n');
  });
});

describe('Client ID Metadata Documents', () => {
  const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
  const authorize = (clientId: string) =>
    s.fetch(`/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: 'http://127.0.0.1:8765/callback', scope: 'read', state: 'st', code_challenge: CHALLENGE, code_challenge_method: 'S256', resource: 'http://127.0.0.1:3001/mcp' })}`, {
      redirect: 'manual',
      headers: { accept: 'text/html' },
    });

  it('stores the type a document declares', async () => {
    const url = `${docOrigin}/native.json`;
    documents.set('/native.json', { client_id: url, client_name: 'Doc client', application_type: 'native', redirect_uris: ['http://127.0.0.1:8765/callback'] });
    expect((await authorize(url)).status).toBe(303);
    expect(s.services.clients.get(url)).toMatchObject({ registration_source: 'cimd', application_type: 'native' });
  });

  it('refuses a document whose redirects do not fit its type, on the error page', async () => {
    const url = `${docOrigin}/web.json`;
    documents.set('/web.json', { client_id: url, client_name: 'Doc client', application_type: 'web', redirect_uris: ['http://127.0.0.1:8765/callback'] });
    const res = await authorize(url);
    expect(res.status).toBe(400);
    const html = (await res.text()).replace(/&quot;/g, '"').replace(/&#39;/g, "'");
    expect(html).toContain(`<p class="error-desc">the client metadata document ${url} is invalid: ${WEB_REFUSED('http://127.0.0.1:8765/callback')}</p>`);
    expect(s.services.clients.get(url)).toBeUndefined();
  });
});
