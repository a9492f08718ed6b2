/**
 * Faults on demand against real clients: the MCP TypeScript SDK's own refresh function, and the
 * example MCP server's JWKS cache (server/sdk/jwks.ts) when AuthPlane's JWKS answers 503.
 */
import { discoverAuthorizationServerMetadata, refreshAuthorization } from '@modelcontextprotocol/sdk/client/auth.js';
import { InvalidGrantError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { afterEach, describe, expect, it } from 'vitest';
import { startExampleMcpServer } from '../../examples/mcp-server/server';
import { TestAuthProvider } from '../helpers/mcpAuthProvider';
import { startTestServer } from '../helpers/server';
import { connectSdk, toolText } from './helpers';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(mcpNow?: () => number) {
  const s = await startTestServer();
  const mcp = await startExampleMcpServer({ issuer: s.issuer, now: mcpNow });
  cleanups.push(() => s.stop(), () => mcp.close());
  await s.services.resources.create({ slug: 'mcp-a', uri: mcp.resource, scopes: [{ name: 'read', description: 'Read' }, { name: 'write', description: 'Write' }] });
  await s.services.clients.create({ client_name: 'my-agent', client_id: 'my-agent', redirect_uris: ['http://127.0.0.1/callback'], token_endpoint_auth_method: 'none' }, 'admin');
  const faultEvents: Array<[string, string]> = [];
  s.events.subscribe((e) => {
    if (e.type === 'fault.armed' || e.type === 'fault.fired' || e.type === 'fault.disarmed') faultEvents.push([e.type, e.data.fault.id]);
  });
  return { s, mcp, faultEvents };
}

const arm = async (s: Awaited<ReturnType<typeof setup>>['s'], body: unknown) => {
  const res = await s.admin('/faults', { method: 'POST', body: JSON.stringify(body) });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string };
};

describe('faults on demand with real clients', () => {
  it('a token fault with invalid_grant makes the SDK client refresh fail once; the next refresh with the same token succeeds', async () => {
    const { s, mcp, faultEvents } = await setup();
    const provider = new TestAuthProvider('http://127.0.0.1:43121/callback', { clientId: 'my-agent' });
    const { client } = await connectSdk(mcp.url, provider);
    cleanups.push(() => client.close());
    const refreshToken = provider.saved!.refresh_token!;
    const fault = await arm(s, { endpoint: 'token', grant_type: 'refresh_token', client_id: 'my-agent', error: 'invalid_grant', error_description: 'refresh token revoked (AuthPlane fault)' });

    const metadata = await discoverAuthorizationServerMetadata(s.issuer);
    const refresh = () => refreshAuthorization(s.issuer, { metadata, clientInformation: { client_id: 'my-agent' }, refreshToken, resource: new URL(mcp.resource) });
    const failed = await refresh().catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(InvalidGrantError);
    expect((failed as Error).message).toBe('refresh token revoked (AuthPlane fault)');

    const tokens = await refresh();
    expect(tokens.refresh_token).toBeTruthy();
    expect(tokens.refresh_token).not.toBe(refreshToken);
    expect((await (await s.admin('/faults')).json()) as unknown[]).toEqual([]);
    expect(faultEvents).toEqual([
      ['fault.armed', fault.id],
      ['fault.fired', fault.id],
      ['fault.disarmed', fault.id],
    ]);
    // The new access token works at the MCP server.
    provider.saveTokens(tokens);
    expect(JSON.parse(toolText(await client.callTool({ name: 'whoami', arguments: {} }))).client_id).toBe('my-agent');
  });

  it('a jwks fault with 503: the example MCP server keeps serving from its stale cached JWKS; with no cache it refuses the token (503 temporarily_unavailable)', async () => {
    let offset = 0;
    const { s, mcp, faultEvents } = await setup(() => Date.now() + offset);
    const provider = new TestAuthProvider('http://127.0.0.1:43122/callback', { clientId: 'my-agent' });
    const { client } = await connectSdk(mcp.url, provider);
    cleanups.push(() => client.close());
    // The MCP server caches verified tokens: each call below uses a new access token, so it needs a key.
    const metadata = await discoverAuthorizationServerMetadata(s.issuer);
    let refreshToken = provider.saved!.refresh_token!;
    const callMcp = async () => {
      const tokens = await refreshAuthorization(s.issuer, { metadata, clientInformation: { client_id: 'my-agent' }, refreshToken, resource: new URL(mcp.resource) });
      refreshToken = tokens.refresh_token!;
      return fetch(mcp.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.access_token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      });
    };

    // AuthPlane serves the JWKS with max-age=300: six minutes on, the MCP server's copy is stale.
    offset = 360_000;
    await arm(s, { endpoint: 'jwks', status: 503 });
    const res = await callMcp();
    expect(res.status).toBe(200);
    // The fault fired (the MCP server did try to refetch) and is used up.
    expect((await (await s.admin('/faults')).json()) as unknown[]).toEqual([]);
    expect(faultEvents.filter(([type]) => type === 'fault.fired')).toHaveLength(1);

    // A fresh MCP server (same port, same resource) has no cached JWKS: the fault makes it answer 503.
    const port = Number(new URL(mcp.url).port);
    await mcp.close();
    const cold = await startExampleMcpServer({ issuer: s.issuer, port });
    cleanups.push(() => cold.close());
    expect(cold.url).toBe(mcp.url);
    await arm(s, { endpoint: 'jwks', status: 503 });
    const refused = await callMcp();
    // The example server's SDK v2 wiring uses AuthPlane's Express adapter, which keeps the 503 (JWKS
    // unavailable; SDK 1.x's requireBearerAuth would word it as a 500 server_error, see server/sdk/mcp.ts);
    // the description says which fetch failed.
    expect(refused.status).toBe(503);
    const body = (await refused.json()) as { error: string; error_description: string };
    expect(body.error).toBe('temporarily_unavailable');
    expect(body.error_description).toBe(`cannot verify tokens: fetching the authorization server's JWKS from ${s.issuer}/.well-known/jwks.json failed: GET ${s.issuer}/.well-known/jwks.json returned HTTP 503, expected 200`);
    // Used up: the next request fetches the JWKS and is served.
    expect((await callMcp()).status).toBe(200);
  });
});
