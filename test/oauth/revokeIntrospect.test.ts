import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeFlow, decodeJwt, postForm } from '../helpers/oauthClient';
import { seedSingleMcp, startTestServer, type TestServer } from '../helpers/server';

let s: TestServer;
let rsId: string;
let rsSecret: string;
const RES = 'http://127.0.0.1:3001/mcp';

beforeAll(async () => {
  s = await startTestServer();
  await seedSingleMcp(s);
  const rs = await s.services.clients.create({ client_name: 'mcp-a server', grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_post' });
  rsId = rs.client_id;
  rsSecret = rs.client_secret!;
  // The RS may introspect mcp-a's tokens only once the resource lists it (digest §2.6).
  await s.services.resources.update('mcp-a', { policy: { runtime: { client_ids: [rsId] } } });
});
afterAll(() => s.stop());

const introspect = (token: string) => postForm(`${s.issuer}/oauth/introspect`, { token, client_id: rsId, client_secret: rsSecret });

describe('introspection (RFC 7662)', () => {
  it('answers active with the claims for a live token', async () => {
    const { tokens } = await codeFlow({ issuer: s.issuer, clientId: 'my-agent', scope: 'read', resource: RES });
    const r = await introspect(tokens.access_token);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ active: true, token_type: 'Bearer', client_id: 'my-agent', sub: 'dev-user', aud: RES, scope: 'read', iss: s.issuer });
  });

  it('requires authentication: 401 invalid_client', async () => {
    const r = await postForm(`${s.issuer}/oauth/introspect`, { token: 'x' });
    expect(r.status).toBe(401);
    expect(r.json.error).toBe('invalid_client');
    const pub = await postForm(`${s.issuer}/oauth/introspect`, { token: 'x', client_id: 'my-agent' });
    expect(pub.status).toBe(401);
  });

  it('accepts the admin token as a bearer', async () => {
    const r = await postForm(`${s.issuer}/oauth/introspect`, { token: 'garbage' }, { authorization: `Bearer ${s.adminToken}` });
    expect(r.json).toEqual({ active: false });
  });

  it('answers inactive for garbage', async () => {
    expect((await introspect('not.a.jwt')).json).toEqual({ active: false });
  });
});

describe('revocation (RFC 7009)', () => {
  it('revokes an access token: its issuance is marked and introspection turns inactive', async () => {
    const { tokens } = await codeFlow({ issuer: s.issuer, clientId: 'my-agent', scope: 'read', resource: RES });
    const r = await postForm(`${s.issuer}/oauth/revoke`, { token: tokens.access_token, token_type_hint: 'access_token', client_id: 'my-agent' });
    expect(r.status).toBe(200);
    expect(r.text).toBe('');
    const jti = decodeJwt(tokens.access_token).payload.jti as string;
    expect((await s.store.issuances.get(jti))?.revoked_at).toBeTruthy();
    expect((await introspect(tokens.access_token)).json).toEqual({ active: false });
  });

  it('revokes a refresh token and its family', async () => {
    const { tokens } = await codeFlow({ issuer: s.issuer, clientId: 'my-agent', scope: 'read', resource: RES });
    await postForm(`${s.issuer}/oauth/revoke`, { token: tokens.refresh_token!, client_id: 'my-agent' });
    const r = await postForm(`${s.issuer}/oauth/token`, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token!, client_id: 'my-agent' });
    expect(r.json.error).toBe('invalid_grant');
    expect((await introspect(tokens.access_token)).json).toEqual({ active: false });
  });

  it('answers 200 and does nothing for another client’s token or an unknown one', async () => {
    const { tokens } = await codeFlow({ issuer: s.issuer, clientId: 'my-agent', scope: 'read', resource: RES });
    const other = await s.services.clients.create({ client_name: 'o', redirect_uris: ['http://127.0.0.1/cb'] });
    expect((await postForm(`${s.issuer}/oauth/revoke`, { token: tokens.refresh_token!, client_id: other.client_id })).status).toBe(200);
    expect((await postForm(`${s.issuer}/oauth/revoke`, { token: 'unknown', client_id: 'my-agent' })).status).toBe(200);
    expect((await introspect(tokens.access_token)).json.active).toBe(true);
  });

  it('requires the token parameter', async () => {
    const r = await postForm(`${s.issuer}/oauth/revoke`, { client_id: 'my-agent' });
    expect(r.json).toMatchObject({ error: 'invalid_request', error_description: 'token parameter is required' });
  });
});
