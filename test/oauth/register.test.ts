import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.stop());

const register = (body: unknown, headers: Record<string, string> = {}) =>
  s.fetch('/oauth/register', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('POST /oauth/register (RFC 7591)', () => {
  it('registers a public client and echoes what was registered', async () => {
    const res = await register({ client_name: 'Inspector', redirect_uris: ['http://localhost:6274/oauth/callback'], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none', scope: '' });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const b = await res.json();
    expect(b).toMatchObject({ client_name: 'Inspector', redirect_uris: ['http://localhost:6274/oauth/callback'], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none' });
    expect(typeof b.client_id_issued_at).toBe('number');
    expect(b.client_secret).toBeUndefined();
    expect(s.services.clients.get(b.client_id)?.registration_source).toBe('dcr');
  });

  it('registers a public client when no auth method is sent, and says so', async () => {
    const b = await (await register({ client_name: 'x', redirect_uris: ['http://127.0.0.1/cb'] })).json();
    expect(b.token_endpoint_auth_method).toBe('none');
    expect(b.grant_types).toEqual(['authorization_code', 'refresh_token']);
  });

  it('narrows unsupported grant types instead of failing (Claude registers jwt-bearer)', async () => {
    const b = await (await register({ client_name: 'claude', redirect_uris: ['https://claude.ai/api/mcp/auth_callback'], grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:jwt-bearer'], token_endpoint_auth_method: 'none' })).json();
    expect(b.grant_types).toEqual(['authorization_code', 'refresh_token']);
  });

  it('issues a secret once for a confidential client', async () => {
    const b = await (await register({ client_name: 'conf', redirect_uris: ['https://app.example.com/cb'], token_endpoint_auth_method: 'client_secret_basic' })).json();
    expect(b.client_secret).toMatch(/^[\w-]{43}$/);
    expect(b.client_secret_expires_at).toBe(0);
    const stored = s.services.clients.get(b.client_id)!;
    expect(stored.secret_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(b.client_secret);
  });

  it('accepts VS Code style redirect URIs and private-use schemes', async () => {
    const res = await register({ client_name: 'vscode', redirect_uris: ['https://vscode.dev/redirect', 'http://127.0.0.1/', 'http://127.0.0.1:33418/', 'cursor://anysphere.cursor-retrieval/oauth/callback'] });
    expect(res.status).toBe(201);
  });

  it('refuses http redirect URIs on non-loopback hosts with invalid_redirect_uri', async () => {
    const res = await register({ client_name: 'bad', redirect_uris: ['http://example.com/cb'] });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_redirect_uri', error_description: 'redirect URI "http://example.com/cb" is not allowed: http is allowed only on a loopback host (localhost, 127.0.0.1, [::1]); use https' });
  });

  it('answers broken JSON and wrong types with clear errors', async () => {
    let res = await s.fetch('/oauth/register', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"client_name":' });
    expect(await res.json()).toMatchObject({ error: 'invalid_request', error_description: 'invalid JSON body' });
    res = await register({ client_name: 5 });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toBe('invalid_client_metadata');
    res = await register({ client_name: 'x', token_endpoint_auth_method: 'private_key_jwt' });
    expect(await res.json()).toMatchObject({ error: 'invalid_client_metadata', error_description: 'token_endpoint_auth_method "private_key_jwt" is not supported (supported: none, client_secret_basic, client_secret_post)' });
  });
});
