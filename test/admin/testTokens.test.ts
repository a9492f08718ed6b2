/**
 * POST /admin/api/tokens: test tokens against the real example MCP server (SDK adapter), which
 * must refuse each defect with the exact challenge, and never a row in the issuance log.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExampleMcpServer, type ExampleMcpServer } from '../../examples/mcp-server/server';
import { decodeJwt } from '../helpers/oauthClient';
import { startTestServer, type TestServer } from '../helpers/server';
import { call } from './helpers';

let s: TestServer;
let mcp: ExampleMcpServer;

beforeAll(async () => {
  s = await startTestServer();
  mcp = await startExampleMcpServer({ issuer: s.issuer, port: 0 });
  await s.services.resources.create({ slug: 'mcp-a', uri: mcp.resource, scopes: [{ name: 'read' }, { name: 'write' }] });
});
afterAll(async () => {
  await mcp?.close();
  await s?.stop();
});

const mint = async (body: unknown) => {
  const r = await call(s, 'POST', '/tokens', { json: body });
  expect(r.status, r.text).toBe(200);
  return r.body as { access_token: string; kid: string; aud: string; scope: string; iat: number; nbf: number; exp: number; unknown_key: boolean; test_only: true };
};

/** One tools/list through the MCP endpoint with the token: status and challenge. */
async function present(token: string): Promise<{ status: number; challenge: string | null }> {
  const res = await fetch(mcp.url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
  });
  await res.arrayBuffer();
  return { status: res.status, challenge: res.headers.get('www-authenticate') };
}

const invalidToken = (description: string) => `Bearer error="invalid_token", error_description="${description}", resource_metadata="${mcp.prmUrl}"`;

describe('POST /admin/api/tokens against the example MCP server', () => {
  it('a default token is valid: signed by the published key, every scope, and the MCP server accepts it', async () => {
    const m = await mint({ resource: 'mcp-a' });
    const { header, payload } = decodeJwt(m.access_token);
    expect(header).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: m.kid });
    expect(payload).toMatchObject({ iss: s.issuer, aud: [mcp.resource], sub: 'dev-user', client_id: 'authplane-test-token', scope: 'read write', iat: m.iat, nbf: m.iat, exp: m.exp });
    const jwks = (await (await s.fetch('/.well-known/jwks.json')).json()) as { keys: { kid: string }[] };
    expect(jwks.keys.map((k) => k.kid)).toContain(m.kid);
    expect(await present(m.access_token)).toEqual({ status: 200, challenge: null });
  });

  it('expired: 401 invalid_token naming the expiry', async () => {
    const m = await mint({ resource: 'mcp-a', expired: true });
    expect(m.exp).toBeLessThan(Date.now() / 1000 - 3500);
    const r = await present(m.access_token);
    expect(r.status).toBe(401);
    // "now" is the MCP server's clock at the request; the rest is exact.
    expect(r.challenge!.replace(/\(now [^,]+,/, '(now T,')).toBe(invalidToken(`token expired at ${new Date(m.exp * 1000).toISOString()} (now T, clock tolerance 30 s)`));
  });

  it('not yet valid: 401 invalid_token naming nbf', async () => {
    const m = await mint({ resource: 'mcp-a', not_before: 3600, expires_in: 300 });
    expect(m.exp - m.nbf).toBe(300);
    const r = await present(m.access_token);
    expect(r.status).toBe(401);
    expect(r.challenge!.replace(/\(now [^,]+,/, '(now T,')).toBe(invalidToken(`token is not valid before ${new Date(m.nbf * 1000).toISOString()} (now T, clock tolerance 30 s); check the clocks`));
  });

  it('another audience: 401 naming both URIs', async () => {
    const other = 'http://127.0.0.1:1/other-mcp';
    const m = await mint({ resource: 'mcp-a', aud: other });
    expect(decodeJwt(m.access_token).payload.aud).toEqual([other]);
    const r = await present(m.access_token);
    expect(r.status).toBe(401);
    expect(r.challenge).toBe(invalidToken(`aud ['${other}'] does not contain this resource '${mcp.resource}'`));
  });

  it('unknown key: a kid the JWKS never publishes, 401', async () => {
    const m = await mint({ resource: 'mcp-a', unknown_key: true });
    expect(m.unknown_key).toBe(true);
    expect(decodeJwt(m.access_token).header.kid).toBe(m.kid);
    const jwks = (await (await s.fetch('/.well-known/jwks.json')).json()) as { keys: { kid: string }[] };
    expect(jwks.keys.map((k) => k.kid)).not.toContain(m.kid);
    expect(s.store.keys.list().map((k) => k.kid)).not.toContain(m.kid);
    const r = await present(m.access_token);
    expect(r.status).toBe(401);
    expect(r.challenge).toBe(
      invalidToken(
        `kid '${m.kid}' (alg ES256) is not in the authorization server's JWKS at ${s.issuer}/.well-known/jwks.json, even after refetching it; ` +
          'the token was signed by a key this issuer does not publish (another authorization server, or a deleted key)',
      ),
    );
  });

  it('missing a scope: read works, write_note gets 403 insufficient_scope through the SDK client', async () => {
    const m = await mint({ resource: 'mcp-a', scope: 'read' });
    const responses: Response[] = [];
    const transport = new StreamableHTTPClientTransport(new URL(mcp.url), {
      requestInit: { headers: { Authorization: `Bearer ${m.access_token}` } },
      fetch: async (input, init) => {
        const res = await fetch(input, init);
        responses.push(res);
        return res;
      },
    });
    const client = new Client({ name: 'test-token', version: '0.0.0' });
    await client.connect(transport);
    await expect(client.callTool({ name: 'read_note', arguments: {} })).resolves.toBeTruthy();
    const err = await client.callTool({ name: 'write_note', arguments: { text: 'x' } }).then(
      () => undefined,
      (e: unknown) => e as { code?: number },
    );
    expect(err?.code).toBe(403);
    expect(responses.at(-1)!.status).toBe(403);
    expect(responses.at(-1)!.headers.get('www-authenticate')).toBe(
      `Bearer error="insufficient_scope", error_description="token lacks required scope 'write' (required: 'write', granted: 'read')", scope="read write", resource_metadata="${mcp.prmUrl}"`,
    );
    await client.close();
  });

  it('custom claims are carried, typed, next to the minter\'s; the MCP server still accepts the token', async () => {
    const m = await mint({ resource: mcp.resource, sub: 'alice', claims: { tenant: 'acme', admin: true, groups: ['a', 'b'] } });
    expect(decodeJwt(m.access_token).payload).toMatchObject({ sub: 'alice', tenant: 'acme', admin: true, groups: ['a', 'b'], aud: [mcp.resource] });
    expect((await present(m.access_token)).status).toBe(200);
  });

  it('is not a grant: no issuance row for any test token, but each mint is in the audit trail', async () => {
    const m = await mint({ resource: 'mcp-a', unknown_key: true, client_id: 'audited-client' });
    const r = await call(s, 'GET', '/issuances?client=authplane-test-token');
    expect(r.status).toBe(200);
    expect(r.body.issuances).toEqual([]);
    const jti = decodeJwt(m.access_token).payload.jti;
    const audit = await call(s, 'GET', '/audit?type=token.test_minted&client=audited-client');
    expect(audit.status).toBe(200);
    expect(audit.body).toMatchObject({
      events: [{ type: 'token.test_minted', data: { jti, resource: 'mcp-a', sub: 'dev-user', client_id: 'audited-client', aud: mcp.resource, kid: m.kid, exp: m.exp, unknown_key: true } }],
    });
  });
});

describe('POST /admin/api/tokens refuses bad input with invalid_request', () => {
  const cases: Array<[string, unknown, number, string, string]> = [
    ['a claim the minter sets', { resource: 'mcp-a', claims: { aud: 'x' } }, 400, 'invalid_request', "claims.aud: \"aud\" is set by the minter: use aud (--aud) instead"],
    ['expired and not yet valid', { resource: 'mcp-a', expired: true, not_before: 60 }, 400, 'invalid_request', "not_before: a token cannot be both expired and not yet valid: pass expired or not_before"],
    ['an unknown field', { resource: 'mcp-a', kind: 'expired' }, 400, 'invalid_request', "Unrecognized key: \"kind\""],
    ['a zero lifetime', { resource: 'mcp-a', expires_in: 0 }, 400, 'invalid_request', "expires_in: Too small: expected number to be >0"],
    ['a lifetime over a day', { resource: 'mcp-a', expires_in: 86_401 }, 400, 'invalid_request', 'expires_in: at most 86400 seconds (a day): a test token cannot be revoked'],
    ['an unregistered resource', { resource: 'nope' }, 404, 'not_found', "resource \"nope\" not found"],
  ];
  for (const [name, body, status, error, description] of cases) {
    it(name, async () => {
      const r = await call(s, 'POST', '/tokens', { json: body });
      expect(r.status).toBe(status);
      expect(r.body).toMatchObject({ error, error_description: description });
    });
  }

  it('without the admin token: 401', async () => {
    const r = await call(s, 'POST', '/tokens', { json: { resource: 'mcp-a' }, token: null });
    expect(r.status).toBe(401);
  });
});
