/**
 * SEP-2351 (the RFC 8414 well-known suffix) and SEP-2352 (authorization-server binding), MCP
 * 2026-07-28. For an issuer with a path, metadata is served at every URL a client builds from it:
 * `/.well-known/oauth-authorization-server/<path>` and `/.well-known/openid-configuration/<path>`
 * (inserted) and `/<path>/.well-known/openid-configuration` (appended), the endpoints answer under
 * the path, and every form carries the same `issuer`, the one in the `iss` authorization response
 * parameter and in the tokens. The official SDK v2 client's `auth()` completes against it with its
 * issuer checks on (RFC 8414 §3.3 metadata echo, RFC 9207 `iss`, the SEP-2352 callback binding);
 * oauth4webapi does the same through both discovery algorithms.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, discoverAuthorizationServerMetadata, type OAuthClientProvider, type OAuthDiscoveryState, type StoredOAuthClientInformation, type StoredOAuthTokens } from '@modelcontextprotocol/client';
import { codeFlow, decodeJwt, oauth } from '../helpers/oauthClient';
import { freePort } from '../helpers/ports';
import { startTestServer, type TestServer } from '../helpers/server';

const CB = 'http://127.0.0.1:8765/callback';

let s: TestServer;
let root: TestServer;
let issuer = '';
let prm: Server;
let mcp = '';

beforeAll(async () => {
  const port = await freePort();
  issuer = `http://127.0.0.1:${port}/tenant1`;
  s = await startTestServer({ port, issuer, consent: 'auto' });
  root = await startTestServer({ consent: 'auto' });
  // A protected resource naming the path issuer (RFC 9728), so a client discovers it as MCP clients do.
  prm = createServer((req, res) => {
    if (req.url !== '/.well-known/oauth-protected-resource/mcp') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ resource: mcp, authorization_servers: [issuer], scopes_supported: ['read'] }));
  });
  await new Promise<void>((r) => prm.listen(0, '127.0.0.1', r));
  mcp = `http://127.0.0.1:${(prm.address() as AddressInfo).port}/mcp`;
  await s.services.resources.create({ slug: 'mcp-a', uri: mcp, display_name: 'MCP A', scopes: [{ name: 'read', description: 'Read access' }] });
  await s.services.clients.create({ client_name: 'my-agent', client_id: 'my-agent', redirect_uris: [CB], token_endpoint_auth_method: 'none' });
  await root.services.resources.create({ slug: 'mcp-a', uri: mcp, display_name: 'MCP A', scopes: [{ name: 'read' }] });
  await root.services.clients.create({ client_name: 'my-agent', client_id: 'my-agent', redirect_uris: [CB], token_endpoint_auth_method: 'none' });
}, 60_000);
afterAll(async () => {
  await s?.stop();
  await root?.stop();
  await new Promise((r) => prm?.close(r));
});

const origin = () => new URL(issuer).origin;
const metadataAt = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, issuer: res.ok ? ((await res.json()) as { issuer: string }).issuer : undefined, cors: res.headers.get('access-control-allow-origin') };
};

describe('well-known forms (SEP-2351)', () => {
  it('an issuer with a path: the inserted RFC 8414 and OIDC forms and the appended OIDC form all answer with that issuer', async () => {
    for (const path of ['/.well-known/oauth-authorization-server/tenant1', '/.well-known/openid-configuration/tenant1', '/tenant1/.well-known/openid-configuration']) {
      expect({ path, ...(await metadataAt(origin() + path)) }).toEqual({ path, status: 200, issuer, cors: '*' });
    }
  });

  it('the endpoints it advertises answer under the path', async () => {
    const m = await (await fetch(`${origin()}/.well-known/oauth-authorization-server/tenant1`)).json();
    expect(m).toMatchObject({ issuer, authorization_endpoint: `${issuer}/oauth/authorize`, token_endpoint: `${issuer}/oauth/token`, jwks_uri: `${issuer}/.well-known/jwks.json`, registration_endpoint: `${issuer}/oauth/register` });
    expect((await fetch(m.jwks_uri)).status).toBe(200);
    const token = await fetch(m.token_endpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=refresh_token&client_id=my-agent&refresh_token=nope' });
    expect(token.status).toBe(400);
    expect(await token.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('an issuer without a path: the two root forms, with the same issuer', async () => {
    for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
      expect({ path, ...(await metadataAt(root.issuer + path)) }).toEqual({ path, status: 200, issuer: root.issuer, cors: '*' });
    }
  });

  it('the SDK v2 client finds it from the issuer, for both shapes of issuer', async () => {
    expect((await discoverAuthorizationServerMetadata(issuer))?.issuer).toBe(issuer);
    expect((await discoverAuthorizationServerMetadata(root.issuer))?.issuer).toBe(root.issuer);
  });

  it('the authorization server serves no protected resource metadata: that is the MCP server\'s (the path forms included)', async () => {
    expect((await fetch(`${origin()}/.well-known/oauth-protected-resource/tenant1`)).status).toBe(404);
    expect((await fetch(`${root.issuer}/.well-known/oauth-protected-resource`)).status).toBe(404);
  });
});

/** A minimal SDK v2 provider: memory only; "opens the browser" by following the URL (consent auto). */
class Provider implements OAuthClientProvider {
  info?: StoredOAuthClientInformation;
  saved?: StoredOAuthTokens;
  verifier = '';
  discovered?: OAuthDiscoveryState;
  callback?: URL;
  get redirectUrl() {
    return CB;
  }
  get clientMetadata() {
    return { client_name: 'SDK v2 binding test', redirect_uris: [CB], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none' };
  }
  clientInformation() {
    return this.info;
  }
  saveClientInformation(i: StoredOAuthClientInformation) {
    this.info = i;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(t: StoredOAuthTokens) {
    this.saved = t;
  }
  async redirectToAuthorization(url: URL) {
    const res = await fetch(url, { redirect: 'manual' });
    this.callback = new URL(res.headers.get('location')!);
  }
  saveCodeVerifier(v: string) {
    this.verifier = v;
  }
  codeVerifier() {
    return this.verifier;
  }
  saveDiscoveryState(d: OAuthDiscoveryState) {
    this.discovered = d;
  }
  discoveryState() {
    return this.discovered;
  }
}

describe('binding to the issuer (SEP-2352, RFC 9207)', () => {
  it('the SDK v2 auth() flow completes with its issuer checks on: metadata echo, iss in the callback, the callback-leg binding', async () => {
    const p = new Provider();
    expect(await auth(p, { serverUrl: mcp })).toBe('REDIRECT');
    expect(p.discovered?.authorizationServerMetadata?.issuer).toBe(issuer);
    expect(p.callback?.searchParams.get('iss')).toBe(issuer);
    const code = p.callback!.searchParams.get('code')!;
    expect(await auth(p, { serverUrl: mcp, authorizationCode: code, iss: p.callback!.searchParams.get('iss')! })).toBe('AUTHORIZED');
    expect(decodeJwt(p.saved!.access_token).payload).toMatchObject({ iss: issuer, aud: [mcp], scope: 'read' });
    // SEP-837: the SDK declared its type at registration; AuthPlane stored it.
    expect(s.services.clients.get(p.info!.client_id)?.application_type).toBe('native');
  });

  it('an error redirect carries iss too, so a client can check it before trusting the error', async () => {
    const q = new URLSearchParams({ response_type: 'code', client_id: 'my-agent', redirect_uri: CB, scope: 'nope', resource: mcp, state: 'st', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' });
    const cb = new URL((await fetch(`${issuer}/oauth/authorize?${q}`, { redirect: 'manual' })).headers.get('location')!);
    expect(Object.fromEntries(cb.searchParams)).toMatchObject({ error: 'invalid_scope', state: 'st', iss: issuer });
  });

  it('oauth4webapi binds through both discovery algorithms and checks iss and the token issuer', async () => {
    const { tokens } = await codeFlow({ issuer, clientId: 'my-agent', scope: 'read', resource: mcp });
    expect(decodeJwt(tokens.access_token).payload.iss).toBe(issuer);
    const oidc = await oauth.processDiscoveryResponse(new URL(issuer), await oauth.discoveryRequest(new URL(issuer), { algorithm: 'oidc', [oauth.allowInsecureRequests]: true }));
    expect(oidc.issuer).toBe(issuer);
  });
});
