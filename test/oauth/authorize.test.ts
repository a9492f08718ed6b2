import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSingleMcp, startTestServer, type TestServer } from '../helpers/server';

let s: TestServer;
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const CB = 'http://127.0.0.1:8765/callback';

beforeAll(async () => {
  s = await startTestServer();
  await seedSingleMcp(s);
});
afterAll(() => s.stop());

function authz(params: Record<string, string | undefined>, headers: Record<string, string> = {}) {
  const base: Record<string, string> = { response_type: 'code', client_id: 'my-agent', redirect_uri: CB, scope: 'read', state: 'xyz', code_challenge: CHALLENGE, code_challenge_method: 'S256', resource: 'http://127.0.0.1:3001/mcp' };
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...base, ...params })) if (v !== undefined) q.set(k, v);
  return s.fetch(`/oauth/authorize?${q}`, { redirect: 'manual', headers: { accept: 'text/html', ...headers } });
}

function redirectParams(res: Response) {
  expect(res.status).toBe(303);
  return new URL(res.headers.get('location')!).searchParams;
}

describe('GET /oauth/authorize', () => {
  it('issues a code with state and iss (auto consent)', async () => {
    const p = redirectParams(await authz({}));
    expect(p.get('code')).toMatch(/^[\w-]{43}$/);
    expect(p.get('state')).toBe('xyz');
    expect(p.get('iss')).toBe(s.issuer);
  });

  it('shows a page, never a redirect, for an unknown client', async () => {
    const res = await authz({ client_id: 'nobody' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('Client ID &#39;nobody&#39; is not registered');
  });

  it('answers JSON invalid_client with the registration endpoint to JSON callers (mcp-remote)', async () => {
    const res = await authz({ client_id: 'nobody' }, { accept: 'application/json' });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body).toMatchObject({ error: 'invalid_client', registration_endpoint: `${s.issuer}/oauth/register` });
    expect(body.error_description).toMatch(/^Client ID 'nobody' is not registered/);
  });

  it('shows a page for a redirect_uri that is not registered', async () => {
    const res = await authz({ redirect_uri: 'https://evil.example/cb' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain('redirect_uri &quot;https://evil.example/cb&quot; does not match');
  });

  it('accepts another port on a loopback redirect', async () => {
    const res = await authz({ redirect_uri: 'http://127.0.0.1:50123/callback' });
    expect(new URL(res.headers.get('location')!).origin).toBe('http://127.0.0.1:50123');
  });

  it('requires PKCE S256', async () => {
    let p = redirectParams(await authz({ code_challenge: undefined }));
    expect([p.get('error'), p.get('error_description'), p.get('state'), p.get('iss')]).toEqual(['invalid_request', 'code_challenge is required: PKCE with S256 is mandatory for every client', 'xyz', s.issuer]);
    p = redirectParams(await authz({ code_challenge_method: 'plain' }));
    expect([p.get('error'), p.get('error_description')]).toEqual(['invalid_request', 'code_challenge_method "plain" is not supported; use S256']);
    p = redirectParams(await authz({ code_challenge_method: undefined }));
    expect(p.get('error_description')).toBe('code_challenge_method is required and must be S256 (plain is not supported)');
  });

  it('rejects a resource that differs by a trailing slash, naming the registered URI', async () => {
    const p = redirectParams(await authz({ resource: 'http://127.0.0.1:3001/mcp/' }));
    expect(p.get('error')).toBe('invalid_target');
    expect(p.get('error_description')).toBe('resource "http://127.0.0.1:3001/mcp/" is not registered; the closest registered resource is "http://127.0.0.1:3001/mcp" (mcp-a): it has an extra trailing "/"');
  });

  it('accepts the slug, and a missing resource when only one exists (logged as a warning)', async () => {
    expect(redirectParams(await authz({ resource: 'mcp-a' })).get('code')).toBeTruthy();
    expect(redirectParams(await authz({ resource: undefined })).get('code')).toBeTruthy();
    const entry = s.services.activity.list(5).find((e) => e.warnings.some((w) => w.code === 'resource_missing'));
    expect(entry?.warnings[0]?.message).toBe('request has no resource parameter; bound to the only registered resource "mcp-a" (http://127.0.0.1:3001/mcp)');
  });

  it('treats a missing scope as every scope of the resource, and refuses unknown scopes', async () => {
    expect(redirectParams(await authz({ scope: undefined })).get('code')).toBeTruthy();
    const p = redirectParams(await authz({ scope: 'read admin' }));
    expect([p.get('error'), p.get('error_description')]).toEqual(['invalid_scope', 'scope "admin" is not defined for resource "http://127.0.0.1:3001/mcp" (available: read write)']);
  });

  it('refuses response types other than code', async () => {
    const p = redirectParams(await authz({ response_type: 'token' }));
    expect(p.get('error')).toBe('unsupported_response_type');
  });

  it('refuses repeated parameters with a page before the redirect is trusted', async () => {
    const res = await s.fetch(`/oauth/authorize?client_id=my-agent&client_id=other`, { redirect: 'manual', headers: { accept: 'text/html' } });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('parameter &quot;client_id&quot; is included more than once');
  });
});

describe('auto consent and web pages', () => {
  it('asks the user when a cross-site navigation wants a code at a non-loopback redirect', async () => {
    const evil = await s.services.clients.create({ client_name: 'evil', redirect_uris: ['https://evil.example/cb'], token_endpoint_auth_method: 'none' });
    const res = await authz({ client_id: evil.client_id, redirect_uri: 'https://evil.example/cb' }, { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/consent\?interaction=/);
    const entry = s.services.activity.list(5).find((e) => e.warnings.some((w) => w.code === 'auto_consent_refused'));
    expect(entry).toBeTruthy();
  });

  it('still auto-approves a cross-site navigation to a loopback redirect (MCP Inspector) and non-browser clients', async () => {
    expect(redirectParams(await authz({}, { 'sec-fetch-site': 'cross-site' })).get('code')).toBeTruthy();
    const evil = s.services.clients.list().find((c) => c.client_name === 'evil')!;
    expect(redirectParams(await authz({ client_id: evil.client_id, redirect_uri: 'https://evil.example/cb' })).get('code')).toBeTruthy();
  });
});
