/**
 * The real MCP TypeScript SDK client (v1, @modelcontextprotocol/sdk) against AuthPlane and the
 * example MCP server, beyond the DCR + refresh run of mcpSdk.test.ts: a pre-registered public
 * client, a Client ID Metadata Document on loopback, refresh when the access token has really
 * expired, and step-up from `read` to `read write` after a 403 insufficient_scope.
 */
import { readFileSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { afterEach, describe, expect, it } from 'vitest';
import { startExampleMcpServer } from '../../examples/mcp-server/server';
import type { Clock } from '../../server/clock';
import { TestAuthProvider } from '../helpers/mcpAuthProvider';
import { decodeJwt } from '../helpers/oauthClient';
import { startTestServer, type TestServer } from '../helpers/server';
import { ConsentingProvider, connectSdk, serveLoopback, toolText } from './helpers';

const SDK_VERSION = (JSON.parse(readFileSync(new URL('../../node_modules/@modelcontextprotocol/sdk/package.json', import.meta.url), 'utf8')) as { version: string }).version;

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** AuthPlane + the example MCP server registered as mcp-a (read, write). */
async function setup(opts: Parameters<typeof startTestServer>[0] = {}) {
  const s = await startTestServer(opts);
  const mcp = await startExampleMcpServer({ issuer: s.issuer, protocol: '2025-11-25' });
  cleanups.push(() => s.stop(), () => mcp.close());
  await s.services.resources.create({ slug: 'mcp-a', uri: mcp.resource, scopes: [{ name: 'read', description: 'Read' }, { name: 'write', description: 'Write' }] });
  return { s, mcp };
}

const dcrCount = (s: TestServer) => s.services.clients.list().filter((c) => c.registration_source === 'dcr').length;

describe(`MCP TypeScript SDK ${SDK_VERSION} client`, () => {
  it('pre-registered public client: no registration, PKCE + resource, refresh token issued', async () => {
    const { s, mcp } = await setup();
    await s.services.clients.create({ client_name: 'my-agent', client_id: 'my-agent', redirect_uris: ['http://127.0.0.1/callback'], token_endpoint_auth_method: 'none' }, 'admin');
    // Any loopback port is accepted for a port-less loopback registration (RFC 8252 §7.3).
    const provider = new TestAuthProvider('http://127.0.0.1:43111/callback', { clientId: 'my-agent' });
    const { client } = await connectSdk(mcp.url, provider);
    cleanups.push(() => client.close());
    expect(dcrCount(s)).toBe(0);
    const authz = provider.authorizations[0]!;
    expect([authz.searchParams.get('client_id'), authz.searchParams.get('code_challenge_method'), authz.searchParams.get('resource'), authz.searchParams.get('scope')]).toEqual(['my-agent', 'S256', mcp.resource, 'read write']);
    expect(provider.saved!.refresh_token).toBeTruthy();
    expect(JSON.parse(toolText(await client.callTool({ name: 'whoami', arguments: {} })))).toMatchObject({ client_id: 'my-agent', subject: 'dev-user', scopes: ['read', 'write'] });
  });

  it('Client ID Metadata Document served on loopback: AuthPlane fetches it and the URL is the client_id', async () => {
    const { s, mcp } = await setup();
    const redirect = 'http://127.0.0.1:43112/callback';
    const doc = await serveLoopback((req, res, origin) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ client_id: `${origin}/oauth/client-metadata.json`, client_name: 'CIMD test client', redirect_uris: [redirect], grant_types: ['authorization_code', 'refresh_token'], token_endpoint_auth_method: 'none' }));
    });
    cleanups.push(() => doc.close());
    const cimdUrl = `${doc.origin}/oauth/client-metadata.json`;

    // Quirk: SDK 1.x only takes an https clientMetadataUrl (it throws before any request for http).
    const strict = new TestAuthProvider(redirect, { clientMetadataUrl: cimdUrl });
    const c0 = new Client({ name: 'cimd', version: '1.0.0' });
    await expect(c0.connect(new StreamableHTTPClientTransport(new URL(mcp.url), { authProvider: strict }))).rejects.toThrow(/HTTPS URL/);
    expect(doc.hits.size).toBe(0);

    // So a loopback CIMD client is used the way MCP Inspector v2 does it: the URL pre-stored as client_id.
    const meta = await (await s.fetch('/.well-known/oauth-authorization-server')).json();
    expect(meta.client_id_metadata_document_supported).toBe(true);
    const provider = new TestAuthProvider(redirect, { clientId: cimdUrl });
    const { client } = await connectSdk(mcp.url, provider);
    cleanups.push(() => client.close());
    expect(doc.hits.get('/oauth/client-metadata.json')).toBe(1);
    expect(dcrCount(s)).toBe(0);
    expect(s.services.clients.get(cimdUrl)).toMatchObject({ registration_source: 'cimd', client_name: 'CIMD test client', redirect_uris: [redirect] });
    expect(decodeJwt(provider.saved!.access_token).payload.client_id).toBe(cimdUrl);
    expect(JSON.parse(toolText(await client.callTool({ name: 'whoami', arguments: {} }))).client_id).toBe(cimdUrl);
  });

  it('refresh on expiry: a really expired access token gets a 401 and the SDK refreshes without a new authorization', async () => {
    // AuthPlane's clock runs two hours behind while the first token is issued: it is born expired.
    let offset = -2 * 3600_000;
    const clock: Clock = { now: () => Date.now() + offset };
    const { mcp } = await setup({ clock });
    const provider = new TestAuthProvider('http://127.0.0.1:43113/callback');
    const t1 = new StreamableHTTPClientTransport(new URL(mcp.url), { authProvider: provider });
    await expect(new Client({ name: 'r', version: '1' }).connect(t1)).rejects.toBeInstanceOf(UnauthorizedError);
    await t1.finishAuth(provider.code!);
    const first = provider.saved!;
    expect(decodeJwt(first.access_token).payload.exp as number).toBeLessThan(Date.now() / 1000 - 3600);
    offset = 0;

    const responses: Array<{ status: number; challenge: string | null }> = [];
    const recording: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (String(input) === mcp.url) responses.push({ status: res.status, challenge: res.headers.get('www-authenticate') });
      return res;
    };
    const client = new Client({ name: 'r', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(mcp.url), { authProvider: provider, fetch: recording }));
    cleanups.push(() => client.close());
    expect(responses[0]!.status).toBe(401);
    expect(responses[0]!.challenge).toMatch(/error="invalid_token", error_description="token expired at/);
    expect(provider.authorizations).toHaveLength(1);
    expect(provider.saved!.refresh_token).not.toBe(first.refresh_token);
    expect(decodeJwt(provider.saved!.access_token).payload.exp as number).toBeGreaterThan(Date.now() / 1000);
    expect(JSON.parse(toolText(await client.callTool({ name: 'whoami', arguments: {} }))).subject).toBe('dev-user');
  });

  it('step-up: after a read-only grant, write_note gets 403 insufficient_scope and the SDK re-authorizes for "read write"', async () => {
    const { s, mcp } = await setup({ consent: 'prompt' });
    // No refresh token for this client: SDK 1.x then re-authorizes on 403 (see the next test).
    await s.services.clients.create({ client_name: 'stepper', client_id: 'stepper', redirect_uris: ['http://127.0.0.1/callback'], grant_types: ['authorization_code'] }, 'admin');
    // The user grants only "read" on the first prompt, everything asked on the second.
    const provider = new ConsentingProvider('http://127.0.0.1:43114/callback', { clientId: 'stepper' }, s.issuer, s.adminToken, (_p, n) => (n === 1 ? ['read'] : undefined));
    const { client, transport } = await connectSdk(mcp.url, provider);
    cleanups.push(() => client.close());
    expect(decodeJwt(provider.saved!.access_token).payload.scope).toBe('read');
    expect(toolText(await client.callTool({ name: 'read_note', arguments: {} }))).toContain('no note');

    // 403 → the SDK starts a new authorization with the challenged scope and surfaces the redirect.
    await expect(client.callTool({ name: 'write_note', arguments: { text: 'stepped up' } })).rejects.toBeInstanceOf(UnauthorizedError);
    expect(provider.authorizations[1]!.searchParams.get('scope')).toBe('read write');
    expect(provider.prompts[1]!.scopes.map((x) => x.name)).toEqual(['read', 'write']);
    await transport.finishAuth(provider.code!);
    expect(toolText(await client.callTool({ name: 'write_note', arguments: { text: 'stepped up' } }))).toContain('saved note');
    expect(decodeJwt(provider.saved!.access_token).payload.scope).toBe('read write');
    expect(JSON.parse(toolText(await client.callTool({ name: 'whoami', arguments: {} }))).scopes).toEqual(['read', 'write']);
  });

  it('step-up quirk: holding a refresh token, SDK 1.x refreshes (same scope) and gives up; dropping the tokens recovers', async () => {
    const { s, mcp } = await setup({ consent: 'prompt' });
    await s.services.clients.create({ client_name: 'stepper-rt', client_id: 'stepper-rt', redirect_uris: ['http://127.0.0.1/callback'] }, 'admin');
    const provider = new ConsentingProvider('http://127.0.0.1:43115/callback', { clientId: 'stepper-rt' }, s.issuer, s.adminToken, (_p, n) => (n === 1 ? ['read'] : undefined));
    const { client, transport } = await connectSdk(mcp.url, provider);
    cleanups.push(() => client.close());
    const rt = provider.saved!.refresh_token;
    expect(rt).toBeTruthy();
    // The 403 makes auth() try the refresh token first: it works (AuthPlane never widens scope on
    // refresh), the retry gets the same 403, and the transport stops (typescript-sdk#2255).
    await expect(client.callTool({ name: 'write_note', arguments: { text: 'x' } })).rejects.toThrow(/403 after trying upscoping/);
    expect(provider.saved!.refresh_token).not.toBe(rt);
    expect(decodeJwt(provider.saved!.access_token).payload.scope).toBe('read');
    expect(provider.authorizations).toHaveLength(1);

    // The application-level workaround: forget the tokens; the next call authorizes again.
    provider.saved = undefined;
    await expect(client.callTool({ name: 'write_note', arguments: { text: 'x' } })).rejects.toBeInstanceOf(UnauthorizedError);
    await transport.finishAuth(provider.code!);
    expect(toolText(await client.callTool({ name: 'write_note', arguments: { text: 'x' } }))).toContain('saved note');
    expect(decodeJwt(provider.saved!.access_token).payload.scope).toBe('read write');
  });
});
