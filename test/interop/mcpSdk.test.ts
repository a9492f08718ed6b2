/**
 * The "done" check of the core: the real MCP TypeScript SDK client completes DCR, PKCE,
 * resource, token and refresh against `authserver serve --consent auto` (a real child process),
 * and calls a tool on a real SDK MCP server that verifies the JWT against AuthPlane's JWKS.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExampleMcpServer, type ExampleMcpServer } from '../../examples/mcp-server/server';
import { buildCli, removeBuild } from '../cli/helpers';
import { TestAuthProvider } from '../helpers/mcpAuthProvider';
import { connectSdk, toolText } from './helpers';
import { tempDir } from '../helpers/server';
import { decodeJwt } from '../helpers/oauthClient';

let cli: string;
let child: ChildProcess;
let issuer: string;
let dataDir: string;
let mcp: ExampleMcpServer;
let adminToken: string;

const admin = (path: string, init: RequestInit = {}) =>
  fetch(`${issuer}/admin/api${path}`, { ...init, headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' } });

beforeAll(async () => {
  cli = await buildCli();
  dataDir = await tempDir();
  child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--data-dir', dataDir, '--consent', 'auto', '--user', 'alice'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const firstLine = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
  issuer = firstLine.trim();
  expect(issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  adminToken = (await readFile(join(dataDir, 'admin-token'), 'utf8')).trim();
  mcp = await startExampleMcpServer({ issuer, protocol: '2025-11-25' });
  const res = await admin('/resources', { method: 'POST', body: JSON.stringify({ slug: 'mcp-a', uri: mcp.resource, display_name: 'MCP A', scopes: [{ name: 'read', description: 'Read access' }, { name: 'write', description: 'Write access' }] }) });
  expect(res.status).toBe(201);
}, 60_000);

afterAll(async () => {
  await mcp?.close();
  child?.kill('SIGTERM');
  await new Promise((r) => child?.once('exit', r));
  await removeBuild(cli);
});

async function connect(provider: TestAuthProvider) {
  return (await connectSdk(mcp.url, provider)).client;
}

const text = toolText;

describe('real MCP SDK client against authserver serve', () => {
  it('registers dynamically, authorizes with PKCE and resource, and calls a tool', async () => {
    const provider = new TestAuthProvider();
    const client = await connect(provider);
    // DCR happened and the client is public.
    expect(provider.info?.client_id).toBeTruthy();
    // The authorization request carried PKCE S256 and the resource.
    const authz = provider.authorizations[0]!;
    expect(authz.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authz.searchParams.get('resource')).toBe(mcp.resource);
    const claims = decodeJwt(provider.saved!.access_token).payload;
    expect(claims.aud).toEqual([mcp.resource]);
    expect(claims.sub).toBe('alice');
    const who = JSON.parse(text(await client.callTool({ name: 'whoami', arguments: {} })));
    expect(who).toMatchObject({ subject: 'alice', client_id: provider.info!.client_id });
    await client.close();

    // The issuance shows up in the admin CLI's data, newest first.
    const list = await (await admin('/issuances?resource=mcp-a&limit=5')).json();
    expect(list.issuances[0]).toMatchObject({ jti: claims.jti, sub: 'alice', client_id: provider.info!.client_id, resource: 'mcp-a' });
  });

  it('refreshes with rotation when the access token is rejected', async () => {
    const provider = new TestAuthProvider();
    const client = await connect(provider);
    const firstRefresh = provider.saved!.refresh_token!;
    // Simulate an expired access token: the server answers 401 and the SDK refreshes.
    provider.saved = { ...provider.saved!, access_token: 'expired.token.value' };
    const c2 = new Client({ name: 'interop', version: '1.0.0' });
    const t2 = new StreamableHTTPClientTransport(new URL(mcp.url), { authProvider: provider });
    await c2.connect(t2);
    expect(provider.saved!.refresh_token).toBeTruthy();
    expect(provider.saved!.refresh_token).not.toBe(firstRefresh);
    const who = JSON.parse(text(await c2.callTool({ name: 'whoami', arguments: {} })));
    expect(who.subject).toBe('alice');
    expect(provider.authorizations).toHaveLength(1);
    await client.close();
    await c2.close();
  });
});
