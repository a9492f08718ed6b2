/**
 * The MCP TypeScript SDK v2 client (`@modelcontextprotocol/client`) the way an application uses it
 * (sdkV2Client.test.ts pins the 2026-07-28 protocol details) against AuthPlane (consent
 * `prompt`) and the example MCP server, with Approve clicked in Chromium and a loopback redirect
 * that really listens: DCR, a pre-registered client, and refresh after real expiry.
 */
import { readFileSync } from 'node:fs';
import { Client, StreamableHTTPClientTransport, UnauthorizedError, type OAuthClientMetadata, type OAuthClientProvider, type OAuthDiscoveryState, type StoredOAuthClientInformation, type StoredOAuthTokens } from '@modelcontextprotocol/client';
import { describe, expect, it } from 'vitest';
import { decodeJwt } from '../helpers/oauthClient';
import { consentInChromium, issuances, loopbackCallback, PAST_ACCESS_TOKEN_EXPIRY, startNotesRig, useChromium, useCleanups, type NotesRig } from './clientHarness';

const VERSION = (JSON.parse(readFileSync(new URL('../../node_modules/@modelcontextprotocol/client/package.json', import.meta.url), 'utf8')) as { version: string }).version;

const browser = useChromium();
const cleanup = useCleanups();

/** An application's provider: state in memory, the browser step done in Chromium. */
class ChromiumProvider implements OAuthClientProvider {
  info?: StoredOAuthClientInformation;
  saved?: StoredOAuthTokens;
  callbackQuery?: URLSearchParams;
  authorizations: URL[] = [];
  discovery?: OAuthDiscoveryState;
  private verifier = '';
  constructor(
    private readonly callback: Awaited<ReturnType<typeof loopbackCallback>>,
    /** A pre-registered client, stamped with the issuer it is registered at (SEP-2352). */
    preRegistered?: StoredOAuthClientInformation,
  ) {
    this.info = preRegistered;
  }
  get redirectUrl() {
    return this.callback.url;
  }
  get clientMetadata(): OAuthClientMetadata {
    return { client_name: 'SDK v2 app', redirect_uris: [this.callback.url], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none' };
  }
  clientInformation() {
    return this.info;
  }
  saveClientInformation(info: StoredOAuthClientInformation) {
    this.info = info;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: StoredOAuthTokens) {
    this.saved = tokens;
  }
  saveCodeVerifier(v: string) {
    this.verifier = v;
  }
  codeVerifier() {
    return this.verifier;
  }
  // SEP-2352: kept with the verifier, so the SDK can check the callback leg's authorization server.
  saveDiscoveryState(state: OAuthDiscoveryState) {
    this.discovery = state;
  }
  discoveryState() {
    return this.discovery;
  }
  async redirectToAuthorization(url: URL) {
    this.authorizations.push(url);
    this.callbackQuery = await consentInChromium(browser(), url, this.callback);
  }
}

async function setup(clientId?: string) {
  const rig: NotesRig = await startNotesRig();
  cleanup(() => rig.close());
  const callback = await loopbackCallback();
  cleanup(() => callback.close());
  const provider = new ChromiumProvider(callback, clientId ? { client_id: clientId, issuer: rig.s.issuer } : undefined);
  return { rig, provider };
}

/** The SDK's fetch, with a deadline that names the URL: a request nobody answers fails saying which. */
const namedDeadlineFetch: typeof fetch = async (input, init) => {
  const url = input instanceof Request ? input.url : String(input);
  try {
    return await fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, AbortSignal.timeout(30_000)]) : AbortSignal.timeout(30_000) });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'TimeoutError') throw new Error(`${init?.method ?? 'GET'} ${url} got no answer within 30 s`);
    throw e;
  }
};

/**
 * The SDK's documented dance: connect; on UnauthorizedError finish with the code and connect again.
 * The first initialize's timeout covers the whole browser step (redirectToAuthorization runs inside
 * it), so it gets the suite's hung-test budget rather than the SDK's 60 s.
 */
async function connect(url: string, provider: ChromiumProvider) {
  const make = () => new StreamableHTTPClientTransport(new URL(url), { authProvider: provider, fetch: namedDeadlineFetch });
  const budget = { timeout: 85_000 };
  let client = new Client({ name: 'authplane-interop-v2', version: '1.0.0' });
  try {
    await client.connect(make(), budget);
  } catch (e) {
    if (!(e instanceof UnauthorizedError)) throw e;
    const transport = make();
    await transport.finishAuth(provider.callbackQuery!);
    client = new Client({ name: 'authplane-interop-v2', version: '1.0.0' });
    await client.connect(transport, budget);
  }
  cleanup(() => client.close());
  return client;
}

async function whoami(client: Client) {
  const content = (await client.callTool({ name: 'whoami', arguments: {} }, { timeout: 120_000 })).content[0] as { type: string; text: string };
  expect(content.type).toBe('text');
  return JSON.parse(content.text) as { client_id: string; scopes: string[]; expires_at: string; subject: string };
}

describe(`MCP TypeScript SDK v2 client ${VERSION}`, () => {
  it('registers itself (DCR), consent clicked in Chromium, PKCE + resource; refresh after real expiry without a new authorization', async () => {
    const { rig, provider } = await setup();
    const client = await connect(rig.mcp.url, provider);
    const authz = provider.authorizations[0]!;
    // SEP-2207: offline_access is in AuthPlane's scopes_supported, so the SDK asks for a refresh token.
    expect([authz.searchParams.get('code_challenge_method'), authz.searchParams.get('resource'), authz.searchParams.get('scope')]).toEqual(['S256', rig.mcp.resource, 'read write offline_access']);
    const clientId = provider.info!.client_id;
    expect(rig.s.services.clients.get(clientId)).toMatchObject({ registration_source: 'dcr', redirect_uris: [provider.redirectUrl] });
    // RFC 9207: AuthPlane names itself on the callback (the v2 SDK checks it when given the query).
    expect(provider.callbackQuery!.get('iss')).toBe(rig.s.issuer);
    expect(provider.discovery!.authorizationServerUrl.replace(/\/$/, '')).toBe(rig.s.issuer);
    const tools = await client.listTools(undefined, { timeout: 120_000 });
    expect(tools.tools.map((t) => t.name).sort()).toEqual(['read_note', 'whoami', 'write_note']);
    const first = await whoami(client);
    expect(first).toMatchObject({ subject: 'dev-user', client_id: clientId, scopes: ['read', 'write'] });
    const firstRefresh = provider.saved!.refresh_token;
    expect(firstRefresh).toBeTruthy();

    rig.advance(PAST_ACCESS_TOKEN_EXPIRY);
    const later = await whoami(client);
    expect(Date.parse(later.expires_at)).toBeGreaterThan(Date.parse(first.expires_at) + PAST_ACCESS_TOKEN_EXPIRY / 2);
    expect(provider.authorizations).toHaveLength(1);
    expect(provider.saved!.refresh_token).not.toBe(firstRefresh);
    expect((await issuances(rig.s, clientId)).map((i) => i.grant)).toEqual(['refresh_token', 'authorization_code']);
  });

  it('pre-registered public client: no registration, the token names it', async () => {
    const { rig, provider } = await setup('v2-app');
    await rig.s.services.clients.create({ client_name: 'SDK v2 app', client_id: 'v2-app', redirect_uris: ['http://127.0.0.1/callback'], token_endpoint_auth_method: 'none' }, 'admin');
    const client = await connect(rig.mcp.url, provider);
    expect(rig.s.services.clients.list().filter((c) => c.registration_source === 'dcr')).toEqual([]);
    expect(decodeJwt(provider.saved!.access_token).payload).toMatchObject({ client_id: 'v2-app', aud: [rig.mcp.resource] });
    expect((await whoami(client)).client_id).toBe('v2-app');
  });
});
