/**
 * openid-client (panva; a certified, standards-strict client) against AuthPlane: discovery,
 * authorization code with PKCE S256 and `resource` (RFC 8707), consent clicked in Chromium, the
 * token used at the example MCP server, and refresh after real expiry.
 */
import { readFileSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from '../helpers/oauthClient';
import { toolText } from './helpers';
import { consentInChromium, issuances, loopbackCallback, PAST_ACCESS_TOKEN_EXPIRY, startNotesRig, useChromium, type NotesRig } from './clientHarness';

const VERSION = (JSON.parse(readFileSync(new URL('../../node_modules/openid-client/package.json', import.meta.url), 'utf8')) as { version: string }).version;

const browser = useChromium();
let rig: NotesRig;
let callback: Awaited<ReturnType<typeof loopbackCallback>>;
beforeAll(async () => {
  rig = await startNotesRig();
  callback = await loopbackCallback();
});
afterAll(async () => {
  await callback?.close();
  await rig?.close();
});

/** whoami at the MCP server with `token` as the bearer (the MCP SDK client carries it). */
async function whoamiWith(token: string) {
  const client = new Client({ name: 'openid-client-app', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(rig.mcp.url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  try {
    return JSON.parse(toolText(await client.callTool({ name: 'whoami', arguments: {} }))) as { client_id: string; scopes: string[]; subject: string };
  } finally {
    await client.close();
  }
}

describe(`openid-client ${VERSION}`, () => {
  it('discovery → authorization code with PKCE and resource (consent clicked) → tool call → refresh after real expiry', async () => {
    const { s, mcp } = rig;
    await s.services.clients.create({ client_name: 'openid-client app', client_id: 'oidc-app', redirect_uris: [callback.url], token_endpoint_auth_method: 'none' }, 'admin');

    // Discovery from the issuer (AuthPlane runs on loopback http, which the library refuses unless told).
    const config = await oidc.discovery(new URL(s.issuer), 'oidc-app', undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
    expect(config.serverMetadata().issuer).toBe(s.issuer);
    expect(config.serverMetadata().code_challenge_methods_supported).toContain('S256');

    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: callback.url,
      scope: 'read write',
      resource: mcp.resource,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    });
    const query = await consentInChromium(browser(), url, callback);
    // The library validates state, iss (RFC 9207) and the PKCE verifier itself.
    const tokens = await oidc.authorizationCodeGrant(config, new URL(`${callback.url}?${query}`), { pkceCodeVerifier: verifier, expectedState: state }, { resource: mcp.resource });
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.scope).toBe('read write');
    expect(decodeJwt(tokens.access_token).payload).toMatchObject({ aud: [mcp.resource], client_id: 'oidc-app', sub: 'dev-user' });
    expect(await whoamiWith(tokens.access_token)).toMatchObject({ client_id: 'oidc-app', subject: 'dev-user', scopes: ['read', 'write'] });

    // Two hours later the access token is refused by the MCP server; the refresh token still works.
    rig.advance(PAST_ACCESS_TOKEN_EXPIRY);
    await expect(whoamiWith(tokens.access_token)).rejects.toThrow(/401|invalid_token|Unauthorized/i);
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!, { resource: mcp.resource });
    expect(refreshed.refresh_token).toBeTruthy();
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(await whoamiWith(refreshed.access_token)).toMatchObject({ client_id: 'oidc-app', scopes: ['read', 'write'] });
    expect((await issuances(s, 'oidc-app')).map((i) => i.grant)).toEqual(['refresh_token', 'authorization_code']);
  });
});
