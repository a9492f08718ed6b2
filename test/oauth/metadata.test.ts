import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSingleMcp, startTestServer, type TestServer } from '../helpers/server';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
  await seedSingleMcp(s);
});
afterAll(() => s.stop());

describe('discovery', () => {
  it('serves RFC 8414 metadata with every endpoint and capability', async () => {
    const res = await s.fetch('/.well-known/oauth-authorization-server');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const m = await res.json();
    const iss = s.issuer;
    expect(iss).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(m).toMatchObject({
      issuer: iss,
      authorization_endpoint: `${iss}/oauth/authorize`,
      token_endpoint: `${iss}/oauth/token`,
      jwks_uri: `${iss}/.well-known/jwks.json`,
      registration_endpoint: `${iss}/oauth/register`,
      revocation_endpoint: `${iss}/oauth/revoke`,
      introspection_endpoint: `${iss}/oauth/introspect`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:token-exchange'],
      code_challenge_methods_supported: ['S256'],
      // offline_access: SEP-2207 (domain/offlineAccess.ts).
      scopes_supported: ['read', 'write', 'offline_access'],
      client_id_metadata_document_supported: true,
      authorization_response_iss_parameter_supported: true,
    });
    expect(m.token_endpoint_auth_methods_supported).toContain('none');
  });

  it('serves a complete OpenID discovery document', async () => {
    const m = await (await s.fetch('/.well-known/openid-configuration')).json();
    expect(m.issuer).toBe(s.issuer);
    expect(m.subject_types_supported).toEqual(['public']);
    expect(m.id_token_signing_alg_values_supported).toContain('ES256');
    expect(m.code_challenge_methods_supported).toEqual(['S256']);
  });

  it('publishes the JWKS with kid, alg, use and a 5-minute cache', async () => {
    const res = await s.fetch('/.well-known/jwks.json');
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    const { keys } = await res.json();
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(keys[0].kid).toMatch(/^[\w-]{22}$/);
    expect(keys[0].d).toBeUndefined();
  });

  it('answers CORS preflights on public endpoints, not on admin or consent', async () => {
    const pre = await s.fetch('/oauth/token', { method: 'OPTIONS', headers: { origin: 'http://localhost:6274', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, mcp-protocol-version' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-headers')).toContain('mcp-protocol-version');
    const admin = await s.fetch('/admin/api/resources', { headers: { origin: 'http://localhost:6274' } });
    expect(admin.headers.get('access-control-allow-origin')).toBeNull();
    const consent = await s.fetch('/consent?interaction=x', { headers: { origin: 'http://localhost:6274' } });
    expect(consent.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('puts CORS headers on errors too', async () => {
    const res = await s.fetch('/oauth/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost:6274' }, body: 'grant_type=nope' });
    expect(res.status).toBe(400);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(await res.json()).toMatchObject({ error: 'unsupported_grant_type', error_description: 'grant_type "nope" is not supported (supported: authorization_code, refresh_token, client_credentials, urn:ietf:params:oauth:grant-type:token-exchange)' });
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: s.port, path: '/.well-known/oauth-authorization-server', headers: { host: 'evil.example:80' } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(421);
  });
});
