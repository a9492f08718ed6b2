import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExampleMcpServer, type ExampleMcpServer } from '../../examples/mcp-server/server';
import { startAsStub, type AsStub } from './helpers/as-stub';

let as: AsStub;
let mcp: ExampleMcpServer;

beforeAll(async () => {
  as = await startAsStub({ resource: 'unused' });
  mcp = await startExampleMcpServer({ issuer: as.issuer, port: 0 });
});
afterAll(async () => {
  await mcp.close();
  await as.close();
});

/** A real SDK client; every response is recorded so tests can read status and headers. */
async function connect(token: string) {
  const responses: Response[] = [];
  const transport = new StreamableHTTPClientTransport(new URL(mcp.url), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
    fetch: async (input, init) => {
      const res = await fetch(input, init);
      responses.push(res);
      return res;
    },
  });
  const client = new Client({ name: 'sdk-test', version: '0.0.0' });
  await client.connect(transport);
  return { client, responses };
}

function textOf(result: unknown): string {
  return ((result as { content: { type: string; text: string }[] }).content[0]!).text;
}

describe('example MCP server (real MCP SDK client and server)', () => {
  it('listens on an ephemeral port and derives resource and PRM from it', async () => {
    expect(mcp.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const res = await fetch(mcp.prmUrl);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ resource: mcp.url, authorization_servers: [as.issuer], scopes_supported: ['read', 'write'] });
  });

  it('whoami returns the token subject, client, scopes, aud and expiry', async () => {
    const token = await as.mint({ aud: mcp.url, sub: 'alice', scope: 'read write' });
    const { client } = await connect(token);
    const who = JSON.parse(textOf(await client.callTool({ name: 'whoami', arguments: {} })));
    expect(who).toMatchObject({ subject: 'alice', client_id: 'client-abc', scopes: ['read', 'write'], aud: mcp.url });
    expect(Date.parse(who.expires_at)).toBeGreaterThan(Date.now());
    await client.callTool({ name: 'write_note', arguments: { name: 'n', text: 'hello' } });
    expect(textOf(await client.callTool({ name: 'read_note', arguments: { name: 'n' } }))).toBe('hello');
    await client.close();
  });

  it('no token: 401 with resource_metadata in WWW-Authenticate', async () => {
    const res = await fetch(mcp.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain(`resource_metadata="${mcp.prmUrl}"`);
  });

  it('token for another resource (trailing slash): 401 naming both URIs', async () => {
    const token = await as.mint({ aud: `${mcp.url}/` });
    const res = await fetch(mcp.url, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(
      `Bearer error="invalid_token", error_description="aud '${mcp.url}/' does not equal this resource '${mcp.url}'", resource_metadata="${mcp.prmUrl}"`,
    );
  });

  it('read-only token: read_note works, write_note gets HTTP 403 insufficient_scope with scope="read write"', async () => {
    const token = await as.mint({ aud: mcp.url, scope: 'read' });
    const { client, responses } = await connect(token);
    await expect(client.callTool({ name: 'read_note', arguments: {} })).resolves.toBeTruthy();
    const err = await client.callTool({ name: 'write_note', arguments: { text: 'x' } }).then(
      () => undefined,
      (e: unknown) => e as { code?: number; message: string },
    );
    expect(err?.code).toBe(403);
    const denied = responses.at(-1)!;
    expect(denied.status).toBe(403);
    expect(denied.headers.get('www-authenticate')).toBe(
      `Bearer error="insufficient_scope", error_description="token lacks required scope 'write' (required: 'write', granted: 'read')", ` +
        `scope="read write", resource_metadata="${mcp.prmUrl}"`,
    );
    await client.close();
  });

  it('OPTIONS /mcp is the CORS preflight (204), not a 401: CORS runs before auth', async () => {
    const res = await fetch(mcp.url, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:6274', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,mcp-protocol-version' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('www-authenticate')).toBeNull();
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')).toBe(
      'Authorization, Content-Type, Accept, MCP-Protocol-Version, Mcp-Session-Id, Mcp-Method, Last-Event-ID',
    );
    expect(res.headers.get('access-control-expose-headers')).toBe('WWW-Authenticate, Mcp-Session-Id, MCP-Protocol-Version');
    const prm = await fetch(mcp.prmUrl, { method: 'OPTIONS', headers: { origin: 'http://localhost:6274', 'access-control-request-method': 'GET' } });
    expect(prm.status).toBe(204);
    expect(prm.headers.get('access-control-allow-origin')).toBe('*');
    expect(prm.headers.get('access-control-allow-methods')).toBe('GET, OPTIONS');
  });
});
