/**
 * Armed faults answer in each endpoint's own style (server/oauth/faults.ts): JSON errors for the
 * back-channel endpoints, a redirect (or a page) for /oauth/authorize as its real errors do.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { authorizationUrl, codeFlow, discover, postForm } from '../helpers/oauthClient';
import { seedSingleMcp, startTestServer, type TestServer } from '../helpers/server';

let s: TestServer;
const RES = 'http://127.0.0.1:3001/mcp';

beforeAll(async () => {
  s = await startTestServer();
  await seedSingleMcp(s);
});
afterAll(() => s.stop());
afterEach(() => {
  s.services.faults.clearAll();
});

const arm = (input: Record<string, unknown>) => s.services.faults.arm(input);

describe('faults on demand at the OAuth endpoints', () => {
  it('token: narrowed to grant and client, only a matching request fails, with the chosen error and description', async () => {
    const { tokens, as, client } = await codeFlow({ issuer: s.issuer, clientId: 'my-agent', scope: 'read', resource: RES });
    arm({ endpoint: 'token', grant_type: 'refresh_token', client_id: 'my-agent', error: 'invalid_grant', error_description: 'refresh token expired (fault)' });
    // Another grant from the same client goes through.
    await codeFlow({ issuer: s.issuer, clientId: 'my-agent', scope: 'read', resource: RES });
    expect(s.services.faults.list()).toHaveLength(1);
    const r = await postForm(as.token_endpoint!, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token!, client_id: client.client_id });
    expect(r.status).toBe(400);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.json).toEqual({ error: 'invalid_grant', error_description: 'refresh token expired (fault)', status: 400, title: 'Bad Request' });
    expect(s.services.faults.list()).toEqual([]);
    // The refresh token was never consumed: the same request now succeeds.
    const ok = await postForm(as.token_endpoint!, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token!, client_id: client.client_id });
    expect(ok.status).toBe(200);
  });

  it('token: a client narrowing does not fire for another client; invalid_client answers 401 with the Basic challenge and a default description', async () => {
    const f = arm({ endpoint: 'token', client_id: 'someone-else', error: 'invalid_client' });
    const other = await postForm(`${s.issuer}/oauth/token`, { grant_type: 'client_credentials', client_id: 'my-agent' });
    expect(other.json.error).not.toBe('invalid_client');
    expect(s.services.faults.list()).toHaveLength(1);
    const r = await postForm(`${s.issuer}/oauth/token`, { grant_type: 'client_credentials' }, { authorization: `Basic ${Buffer.from('someone-else:x').toString('base64')}` });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe('Basic realm="authplane"');
    expect(r.json).toMatchObject({ error: 'invalid_client', error_description: `injected by AuthPlane fault ${f.id} on the token endpoint` });
  });

  it('authorize: an OAuth error goes back to the redirect URI with state and iss', async () => {
    const as = await discover(s.issuer);
    arm({ endpoint: 'authorize', client_id: 'my-agent', error: 'access_denied', error_description: 'the user said no (fault)' });
    const { url, state } = await authorizationUrl(as, { issuer: s.issuer, clientId: 'my-agent', scope: 'read', resource: RES });
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(303);
    const loc = new URL(res.headers.get('location')!);
    expect(`${loc.origin}${loc.pathname}`).toBe('http://127.0.0.1:8765/callback');
    expect(Object.fromEntries(loc.searchParams)).toEqual({ error: 'access_denied', error_description: 'the user said no (fault)', state, iss: s.issuer });
  });

  it('authorize: a chosen status is never a redirect: a page for a browser', async () => {
    const as = await discover(s.issuer);
    const f = arm({ endpoint: 'authorize', status: 503 });
    const { url } = await authorizationUrl(as, { issuer: s.issuer, clientId: 'my-agent', scope: 'read', resource: RES });
    const res = await fetch(url, { redirect: 'manual', headers: { accept: 'text/html' } });
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await res.text()).toContain(`injected by AuthPlane fault ${f.id} on the authorize endpoint`);
  });

  it('register, revoke, introspect: JSON errors with the chosen status', async () => {
    const reg = arm({ endpoint: 'register', status: 503 });
    const r1 = await fetch(`${s.issuer}/oauth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ redirect_uris: ['http://127.0.0.1:9/cb'] }) });
    expect(r1.status).toBe(503);
    expect(await r1.json()).toEqual({ error: 'temporarily_unavailable', error_description: `injected by AuthPlane fault ${reg.id} on the register endpoint`, status: 503, title: 'Service Unavailable' });

    const rev = arm({ endpoint: 'revoke', status: 500 });
    const r2 = await postForm(`${s.issuer}/oauth/revoke`, { token: 'x', client_id: 'my-agent' });
    expect(r2.status).toBe(500);
    expect(r2.json).toMatchObject({ error: 'server_error', error_description: `injected by AuthPlane fault ${rev.id} on the revoke endpoint` });

    arm({ endpoint: 'introspect', error: 'invalid_request', error_description: 'introspection is down (fault)' });
    const r3 = await postForm(`${s.issuer}/oauth/introspect`, { token: 'x' }, { authorization: `Bearer ${s.adminToken}` });
    expect(r3.status).toBe(400);
    expect(r3.json).toMatchObject({ error: 'invalid_request', error_description: 'introspection is down (fault)' });
  });

  it('jwks and metadata: the chosen status; the fault fires for as many requests as its count', async () => {
    arm({ endpoint: 'jwks', status: 502, count: 2 });
    expect((await s.fetch('/.well-known/jwks.json')).status).toBe(502);
    expect((await s.fetch('/.well-known/jwks.json')).status).toBe(502);
    expect((await s.fetch('/.well-known/jwks.json')).status).toBe(200);
    arm({ endpoint: 'metadata', status: 404 });
    const m = await s.fetch('/.well-known/oauth-authorization-server');
    expect(m.status).toBe(404);
    expect((await s.fetch('/.well-known/openid-configuration')).status).toBe(200);
  });

  it('a delay lets the request through afterwards', async () => {
    arm({ endpoint: 'metadata', delay_ms: 50 });
    const res = await s.fetch('/.well-known/oauth-authorization-server');
    expect(res.status).toBe(200);
    expect(((await res.json()) as { issuer: string }).issuer).toBe(s.issuer);
    expect(s.services.faults.list()).toEqual([]);
  });
});
