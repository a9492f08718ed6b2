import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorize, codeFlow, decodeJwt, discover, postForm, refresh } from '../helpers/oauthClient';
import { seedSingleMcp, startTestServer, type TestServer } from '../helpers/server';

let s: TestServer;
const CB = 'http://127.0.0.1:8765/callback';
const RES = 'http://127.0.0.1:3001/mcp';

beforeAll(async () => {
  s = await startTestServer();
  await seedSingleMcp(s);
});
afterAll(() => s.stop());

describe('authorization_code grant', () => {
  it('completes with a strict client and returns an RFC 9068 JWT bound to the resource', async () => {
    const { tokens } = await codeFlow({ issuer: s.issuer, clientId: 'my-agent', scope: 'read', resource: RES });
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.expires_in).toBe(900);
    expect(tokens.scope).toBe('read');
    expect(tokens.refresh_token).toMatch(/^[\w-]{43}$/);
    const jwks = createLocalJWKSet(await (await s.fetch('/.well-known/jwks.json')).json());
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, { issuer: s.issuer, audience: RES, typ: 'at+jwt' });
    expect(protectedHeader).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    expect(payload).toMatchObject({ iss: s.issuer, sub: 'dev-user', aud: [RES], client_id: 'my-agent', scope: 'read' });
    expect(payload.exp! - payload.iat!).toBe(900);
    expect(payload.nbf).toBe(payload.iat);
    const row = await s.store.issuances.get(payload.jti!);
    expect(row).toMatchObject({ jti: payload.jti, sub: 'dev-user', client_id: 'my-agent', resource: 'mcp-a', aud: RES, scope: 'read', grant: 'authorization_code' });
  });

  it('uses the registered URI as aud even when the slug was sent', async () => {
    const { tokens } = await codeFlow({ issuer: s.issuer, clientId: 'my-agent', scope: 'read', resource: 'mcp-a' });
    expect(decodeJwt(tokens.access_token).payload.aud).toEqual([RES]);
  });

  it('sends Cache-Control: no-store on token responses', async () => {
    const as = await discover(s.issuer);
    const { callback, verifier } = await authorize(as, { issuer: s.issuer, clientId: 'my-agent', scope: 'read', resource: RES });
    const r = await postForm(`${s.issuer}/oauth/token`, { grant_type: 'authorization_code', code: callback.searchParams.get('code')!, code_verifier: verifier, client_id: 'my-agent', redirect_uri: CB });
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(Object.keys(r.json).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'scope', 'token_type']);
    expect(r.json.token_type).toBe('Bearer');
  });

  it('fails PKCE with the exact error', async () => {
    const as = await discover(s.issuer);
    const { callback } = await authorize(as, { issuer: s.issuer, clientId: 'my-agent', scope: 'read', resource: RES });
    const r = await postForm(`${s.issuer}/oauth/token`, { grant_type: 'authorization_code', code: callback.searchParams.get('code')!, code_verifier: 'a'.repeat(43), client_id: 'my-agent', redirect_uri: CB });
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ error: 'invalid_grant', error_description: 'PKCE verification failed: BASE64URL(SHA256(code_verifier)) does not equal the code_challenge of the authorization request' });
  });

  it('revokes the first exchange tokens when a code is replayed', async () => {
    const as = await discover(s.issuer);
    const { callback, verifier } = await authorize(as, { issuer: s.issuer, clientId: 'my-agent', scope: 'read', resource: RES });
    const body = { grant_type: 'authorization_code', code: callback.searchParams.get('code')!, code_verifier: verifier, client_id: 'my-agent', redirect_uri: CB };
    const first = await postForm(`${s.issuer}/oauth/token`, body);
    expect(first.status).toBe(200);
    const second = await postForm(`${s.issuer}/oauth/token`, body);
    expect(second.status).toBe(400);
    expect(second.json).toMatchObject({ error: 'invalid_grant', error_description: 'authorization code has already been used; the tokens issued for it have been revoked' });
    const jti = decodeJwt(first.json.access_token as string).payload.jti as string;
    expect((await s.store.issuances.get(jti))?.revoked_at).toBeTruthy();
    const r = await postForm(`${s.issuer}/oauth/token`, { grant_type: 'refresh_token', refresh_token: first.json.refresh_token as string, client_id: 'my-agent' });
    expect(r.json.error).toBe('invalid_grant');
  });

  it('refuses a redirect_uri different from the authorization request', async () => {
    const as = await discover(s.issuer);
    const { callback, verifier } = await authorize(as, { issuer: s.issuer, clientId: 'my-agent', scope: 'read', resource: RES });
    const r = await postForm(`${s.issuer}/oauth/token`, { grant_type: 'authorization_code', code: callback.searchParams.get('code')!, code_verifier: verifier, client_id: 'my-agent', redirect_uri: 'http://127.0.0.1:8765/other' });
    expect(r.json).toMatchObject({ error: 'invalid_grant', error_description: 'redirect_uri "http://127.0.0.1:8765/other" does not match the one used in the authorization request ("http://127.0.0.1:8765/callback")' });
  });
});

describe('client authentication and client_credentials', () => {
  it('issues a machine token with aud = registered URI for a confidential client (Basic and post)', async () => {
    const c = await s.services.clients.create({ client_name: 'svc', grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_basic' });
    const basic = 'Basic ' + Buffer.from(`${encodeURIComponent(c.client_id)}:${encodeURIComponent(c.client_secret!)}`).toString('base64');
    const r = await postForm(`${s.issuer}/oauth/token`, { grant_type: 'client_credentials', resource: 'mcp-a', scope: 'read' }, { authorization: basic });
    expect(r.status).toBe(200);
    const p = decodeJwt(r.json.access_token as string).payload;
    expect([p.aud, p.sub, p.client_id, p.scope]).toEqual([[RES], c.client_id, c.client_id, 'read']);
    expect(r.json.refresh_token).toBeUndefined();
    const post = await postForm(`${s.issuer}/oauth/token`, { grant_type: 'client_credentials', resource: RES, client_id: c.client_id, client_secret: c.client_secret! });
    expect(post.status).toBe(200);
  });

  it('answers 401 invalid_client with a Basic challenge for a wrong secret', async () => {
    const c = await s.services.clients.create({ client_name: 'svc2', grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_post' });
    const r = await postForm(`${s.issuer}/oauth/token`, { grant_type: 'client_credentials', resource: RES, client_id: c.client_id, client_secret: 'wrong' });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe('Basic realm="authplane"');
    expect(r.json).toMatchObject({ error: 'invalid_client', error_description: 'client authentication failed: wrong client_secret' });
  });

  it('refuses a public client that sends a secret, and grants the client is not registered for', async () => {
    let r = await postForm(`${s.issuer}/oauth/token`, { grant_type: 'refresh_token', refresh_token: 'x', client_id: 'my-agent', client_secret: 'x' });
    expect(r.json.error_description).toBe('client authentication failed: this is a public client (token_endpoint_auth_method "none") and must not send a client_secret');
    r = await postForm(`${s.issuer}/oauth/token`, { grant_type: 'client_credentials', client_id: 'my-agent' });
    expect(r.json).toMatchObject({ error: 'unauthorized_client', error_description: 'client "my-agent" is not registered for the client_credentials grant (its grant_types: authorization_code, refresh_token)' });
  });

  it('rejects wrong content types and duplicate parameters with OAuth errors', async () => {
    const res = await s.fetch('/oauth/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(415);
    expect((await res.json()).error).toBe('invalid_request');
    const dup = await s.fetch('/oauth/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=a&grant_type=b' });
    expect(await dup.json()).toMatchObject({ error: 'invalid_request', error_description: 'parameter "grant_type" is included more than once' });
  });
});
