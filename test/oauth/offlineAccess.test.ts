/**
 * SEP-2207 (MCP 2026-07-28): `offline_access`. Advertised in `scopes_supported`; asked for, it is
 * shown on the consent page and in the window's prompt, approved it changes nothing (a client
 * registered for refresh_token gets its refresh token), unticked it withholds the refresh token.
 * It never reaches the access token's `scope`. A client not registered for the refresh_token
 * grant gets none, asked or not. Real server, real HTTP, oauth4webapi for the token exchange.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizationUrl, clientAuth, decodeJwt, discover, oauth, refresh } from '../helpers/oauthClient';
import { seedSingleMcp, startTestServer, type TestServer } from '../helpers/server';

const CB = 'http://127.0.0.1:8765/callback';
const RESOURCE = 'http://127.0.0.1:3001/mcp';

let s: TestServer;
let as: oauth.AuthorizationServer;
beforeAll(async () => {
  s = await startTestServer({ consent: 'prompt' });
  await seedSingleMcp(s);
  await s.services.clients.create({ client_name: 'no-refresh', client_id: 'no-refresh', redirect_uris: [CB], grant_types: ['authorization_code'], token_endpoint_auth_method: 'none' });
  as = await discover(s.issuer);
});
afterAll(() => s?.stop());

/**
 * Authorize, then decide the prompt from the window (admin API) with `approve` scopes. With
 * prompt=consent, as SDK clients send it with offline_access, so an earlier grant does not skip the prompt.
 */
async function flow(clientId: string, scope: string, approve?: string[]) {
  const { url, verifier, state } = await authorizationUrl(as, { issuer: s.issuer, clientId, scope, resource: RESOURCE });
  url.searchParams.set('prompt', 'consent');
  const res = await fetch(url, { redirect: 'manual' });
  expect(res.status).toBe(303);
  const uid = new URL(res.headers.get('location')!, s.issuer).searchParams.get('interaction')!;
  const prompt = (await (await s.admin('/interactions')).json()).find((p: { uid: string }) => p.uid === uid);
  const page = await (await s.fetch(`/consent?interaction=${uid}`)).text();
  const decided = await s.admin(`/interactions/${uid}/decision`, { method: 'POST', body: JSON.stringify({ action: 'approve', ...(approve ? { scopes: approve } : {}) }) });
  expect(decided.status).toBe(200);
  const client: oauth.Client = { client_id: clientId };
  const params = oauth.validateAuthResponse(as, client, new URL((await decided.json()).redirect), state);
  const tokens = await oauth.processAuthorizationCodeResponse(
    as,
    client,
    await oauth.authorizationCodeGrantRequest(as, client, clientAuth(), params, CB, verifier, { [oauth.allowInsecureRequests]: true, additionalParameters: { resource: RESOURCE } }),
  );
  return { tokens, prompt, page, client };
}

describe('offline_access (SEP-2207)', () => {
  it('is advertised in scopes_supported, after the resources\' scopes', async () => {
    const m = await (await s.fetch('/.well-known/oauth-authorization-server')).json();
    expect(m.scopes_supported).toEqual(['read', 'write', 'offline_access']);
  });

  it('asked for, it is on the consent page and in the window\'s prompt, checked; approved, the refresh token comes and the access token\'s scope has no offline_access', async () => {
    const { tokens, prompt, page, client } = await flow('my-agent', 'read offline_access');
    expect(prompt.scopes).toEqual([
      { name: 'read', description: 'Read access' },
      { name: 'offline_access', description: 'Stay connected: renew its access later without asking you again (a refresh token)' },
    ]);
    expect(page).toContain('<input type="checkbox" name="scope" value="offline_access" checked><span>Stay connected: renew its access later without asking you again (a refresh token)<small class="mono">offline_access</small></span>');
    expect(tokens.scope).toBe('read');
    expect(decodeJwt(tokens.access_token).payload.scope).toBe('read');
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const again = await refresh(as, client, tokens.refresh_token!);
    expect(again.scope).toBe('read');
  });

  it('unticked by the user, no refresh token is issued', async () => {
    const { tokens } = await flow('my-agent', 'read offline_access', ['read']);
    expect(tokens.scope).toBe('read');
    expect(tokens.refresh_token).toBeUndefined();
  });

  it('not asked for, a client registered for refresh_token still gets one (2025-11-25 behaviour)', async () => {
    const { tokens, prompt } = await flow('my-agent', 'read');
    expect(prompt.scopes.map((x: { name: string }) => x.name)).toEqual(['read']);
    expect(tokens.refresh_token).toEqual(expect.any(String));
  });

  it('a client not registered for the refresh_token grant gets none, even asking for offline_access', async () => {
    const { tokens } = await flow('no-refresh', 'read offline_access');
    expect(tokens.scope).toBe('read');
    expect(tokens.refresh_token).toBeUndefined();
  });

  it('offline access alone grants nothing: approving only it is refused', async () => {
    const { url } = await authorizationUrl(as, { issuer: s.issuer, clientId: 'my-agent', scope: 'read offline_access', resource: RESOURCE });
    url.searchParams.set('prompt', 'consent');
    const uid = new URL((await fetch(url, { redirect: 'manual' })).headers.get('location')!, s.issuer).searchParams.get('interaction')!;
    const res = await s.admin(`/interactions/${uid}/decision`, { method: 'POST', body: JSON.stringify({ action: 'approve', scopes: ['offline_access'] }) });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_request', error_description: 'offline access alone grants nothing: pick at least one permission of the resource, or deny the request' });
  });
});
