/**
 * The AuthPlane SDK adapter in front of an SDK v2 MCP server (`createMcpHandler`, MCP
 * 2026-07-28, stateless): the web-standard adapter verifies the token of every request and hands
 * the RequestAuth to the SDK as `authInfo`, which tools read as `ctx.http.authInfo`. A real SDK v2
 * client pinned to 2026-07-28 talks to it over HTTP.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createResourceVerifier, prmPath, prmResponse, prmUrl, withBearerAuth, withMcpCors } from '../../server/sdk';
import { startAsStub, type AsStub } from './helpers/as-stub';
import { fetchListener, listen, type Listening } from './helpers/listen';

let as: AsStub;
let server: Listening;
let resource = '';
let handler: (req: Request) => Promise<Response>;

beforeAll(async () => {
  as = await startAsStub({ resource: 'unused' });
  server = await listen(fetchListener((req) => handler(req)));
  resource = `${server.origin}/mcp`;
  const verifier = createResourceVerifier({ issuer: as.issuer, resource });
  const mcp = createMcpHandler(() => {
    const s = new McpServer({ name: 'v2-adapter-test', version: '1.0.0' }, { capabilities: { tools: {} } });
    s.registerTool('whoami', { description: 'the token subject', inputSchema: z.object({}) }, async (_args, ctx) => {
      const auth = ctx.http?.authInfo;
      return { content: [{ type: 'text', text: JSON.stringify({ sub: (auth?.extra as { sub?: string } | undefined)?.sub, scopes: auth?.scopes, resource: auth?.resource?.href }) }] };
    });
    return s;
  });
  const authed = withMcpCors(withBearerAuth(verifier, (req, auth) => mcp.fetch(req, { authInfo: auth }), { resourceMetadataUrl: prmUrl(resource) }));
  handler = async (req) => (new URL(req.url).pathname === prmPath(resource) ? prmResponse({ resource, issuer: as.issuer, scopes: ['read'] }, req) : authed(req));
});
afterAll(async () => {
  await server?.close();
  await as?.close();
});

async function whoami(token: string): Promise<Record<string, unknown>> {
  const client = new Client({ name: 't', version: '1' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
  await client.connect(new StreamableHTTPClientTransport(new URL(resource), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  try {
    const r = (await client.callTool({ name: 'whoami', arguments: {} })) as { content: { text: string }[] };
    return JSON.parse(r.content[0]!.text) as Record<string, unknown>;
  } finally {
    await client.close();
  }
}

describe('SDK adapter with an SDK v2 (2026-07-28) MCP server', () => {
  it('every request is verified and the tool sees that request’s token', async () => {
    expect(await whoami(await as.mint({ aud: resource, sub: 'alice', scope: 'read' }))).toEqual({ sub: 'alice', scopes: ['read'], resource });
    expect(await whoami(await as.mint({ aud: resource, sub: 'bob', scope: 'read' }))).toEqual({ sub: 'bob', scopes: ['read'], resource });
  });

  it('a 2026-07-28 request with an expired or foreign token gets the 401 challenge, before the MCP handler', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' } } });
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/list' };
    const expired = await as.mint({ aud: resource, exp: Math.floor(Date.now() / 1000) - 3600 });
    const r1 = await fetch(resource, { method: 'POST', headers: { ...headers, authorization: `Bearer ${expired}` }, body });
    expect(r1.status).toBe(401);
    expect(r1.headers.get('www-authenticate')).toMatch(new RegExp(`^Bearer error="invalid_token", error_description="token expired at [^"]+", resource_metadata="${prmUrl(resource)}"$`));
    expect(r1.headers.get('access-control-allow-origin')).toBe('*');
    const foreign = await as.mint({ aud: 'http://127.0.0.1:1/other' });
    const r2 = await fetch(resource, { method: 'POST', headers: { ...headers, authorization: `Bearer ${foreign}` }, body });
    expect(r2.status).toBe(401);
    expect(await r2.json()).toEqual({ error: 'invalid_token', error_description: `aud "http://127.0.0.1:1/other" does not equal this resource "${resource}"` });
  });
});
