/**
 * The real MCP TypeScript SDK v2 client (@modelcontextprotocol/client, pinned to 2026-07-28)
 * against AuthPlane and the example MCP server on SDK v2 (the default): discovery from the 401,
 * dynamic registration with application_type (SEP-837), consent decided on AuthPlane's prompt,
 * token, tool calls over stateless 2026-07-28 requests (MCP-Protocol-Version and Mcp-Method on
 * each, no session), refresh after real expiry, and step-up with the scope union (SEP-2350).
 */
import { readFileSync } from 'node:fs';
import { Client, StreamableHTTPClientTransport, UnauthorizedError } from '@modelcontextprotocol/client';
import { afterEach, describe, expect, it } from 'vitest';
import { startExampleMcpServer } from '../../examples/mcp-server/server';
import type { Clock } from '../../server/clock';
import { decodeJwt } from '../helpers/oauthClient';
import { startTestServer } from '../helpers/server';
import { ConsentingProvider, toolText } from './helpers';

const SDK_VERSION = (JSON.parse(readFileSync(new URL('../../node_modules/@modelcontextprotocol/client/package.json', import.meta.url), 'utf8')) as { version: string }).version;

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Seen {
  method: string;
  status: number;
  protocol: string | null;
  mcpMethod: string | null;
  session: string | null;
}

async function setup(opts: Parameters<typeof startTestServer>[0] = {}) {
  const s = await startTestServer({ consent: 'prompt', ...opts });
  const mcp = await startExampleMcpServer({ issuer: s.issuer });
  cleanups.push(() => s.stop(), () => mcp.close());
  await s.services.resources.create({ slug: 'mcp-a', uri: mcp.resource, scopes: [{ name: 'read' }, { name: 'write' }] });
  const seen: Seen[] = [];
  const recording: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    if (String(input) === mcp.url) {
      const h = new Headers(init?.headers);
      seen.push({ method: init?.method ?? 'GET', status: res.status, protocol: h.get('mcp-protocol-version'), mcpMethod: h.get('mcp-method'), session: res.headers.get('mcp-session-id') });
    }
    return res;
  };
  return { s, mcp, seen, recording };
}

/** connect() pinned to 2026-07-28; the first 401 sends the provider through consent, then it connects again. */
async function connectV2(url: string, provider: ConsentingProvider, fetchFn: typeof fetch) {
  const make = () => new StreamableHTTPClientTransport(new URL(url), { authProvider: provider, fetch: fetchFn });
  const client = new Client({ name: 'authplane-interop-v2', version: '1.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
  let transport = make();
  try {
    await client.connect(transport);
  } catch (e) {
    if (!(e instanceof UnauthorizedError)) throw e;
    await transport.finishAuth(provider.callback!);
    transport = make();
    await client.connect(transport);
  }
  return { client, transport };
}

describe(`MCP TypeScript SDK v2 ${SDK_VERSION} client, MCP 2026-07-28, against the SDK v2 example server`, () => {
  it('discovery → registration (native app) → consent → token → stateless tool calls', async () => {
    const { s, mcp, seen, recording } = await setup();
    const provider = new ConsentingProvider('http://127.0.0.1:43121/callback', {}, s.issuer, s.adminToken);
    const { client } = await connectV2(mcp.url, provider, recording);
    cleanups.push(() => client.close());

    const clientId = String(provider.info!.client_id);
    expect(s.services.clients.get(clientId)).toMatchObject({ registration_source: 'dcr', application_type: 'native' });
    const authz = provider.authorizations[0]!;
    expect([authz.searchParams.get('code_challenge_method'), authz.searchParams.get('resource'), authz.searchParams.get('scope')]).toEqual(['S256', mcp.resource, 'read write offline_access']);
    expect(provider.prompts).toHaveLength(1);
    expect(decodeJwt(provider.saved!.access_token).payload).toMatchObject({ aud: [mcp.resource], scope: 'read write', client_id: clientId });

    const who = JSON.parse(toolText(await client.callTool({ name: 'whoami', arguments: {} })));
    expect(who).toMatchObject({ subject: 'dev-user', client_id: clientId, scopes: ['read', 'write'], aud: mcp.resource });
    await client.callTool({ name: 'write_note', arguments: { name: 'n', text: 'v2' } });
    expect(toolText(await client.callTool({ name: 'read_note', arguments: { name: 'n' } }))).toBe('v2');

    // 2026-07-28 on the wire: every POST names the revision and its method; no initialize, no session.
    expect(seen[0]).toMatchObject({ method: 'POST', status: 401, protocol: '2026-07-28', mcpMethod: 'server/discover' });
    expect(seen.every((x) => x.method === 'POST' && x.protocol === '2026-07-28' && x.mcpMethod !== null && x.session === null)).toBe(true);
    expect(seen.map((x) => x.mcpMethod)).not.toContain('initialize');
    expect(seen.filter((x) => x.mcpMethod === 'tools/call').every((x) => x.status === 200)).toBe(true);
  });

  it('refresh after real expiry: the 401 invalid_token makes the SDK refresh, without a new authorization', async () => {
    // AuthPlane's clock runs two hours behind while the first token is issued: it is born expired.
    let offset = -2 * 3600_000;
    const clock: Clock = { now: () => Date.now() + offset };
    const { s, mcp, seen, recording } = await setup({ clock, consent: 'auto' });
    const provider = new ConsentingProvider('http://127.0.0.1:43122/callback', {}, s.issuer, s.adminToken);
    const t1 = new StreamableHTTPClientTransport(new URL(mcp.url), { authProvider: provider, fetch: recording });
    const c1 = new Client({ name: 'r', version: '1' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
    await expect(c1.connect(t1)).rejects.toBeInstanceOf(UnauthorizedError);
    await t1.finishAuth(provider.callback!);
    const first = provider.saved!;
    expect(decodeJwt(first.access_token).payload.exp as number).toBeLessThan(Date.now() / 1000 - 3600);
    offset = 0;
    seen.length = 0;

    const { client } = await connectV2(mcp.url, provider, recording);
    cleanups.push(() => client.close());
    expect(seen[0]!.status).toBe(401);
    expect(provider.authorizations).toHaveLength(1);
    expect(provider.saved!.refresh_token).toBeTruthy();
    expect(provider.saved!.refresh_token).not.toBe(first.refresh_token);
    expect(decodeJwt(provider.saved!.access_token).payload.exp as number).toBeGreaterThan(Date.now() / 1000);
    expect(JSON.parse(toolText(await client.callTool({ name: 'whoami', arguments: {} }))).subject).toBe('dev-user');
  });

  it('step-up with a refresh token held: 403 insufficient_scope → re-authorization for the union "read write", then the call succeeds', async () => {
    const { s, mcp, recording } = await setup();
    // The user grants only "read" (and staying connected: offline_access, SEP-2207) on the first prompt, everything asked on the second.
    const provider = new ConsentingProvider('http://127.0.0.1:43123/callback', {}, s.issuer, s.adminToken, (_p, n) => (n === 1 ? ['read', 'offline_access'] : undefined));
    const { client, transport } = await connectV2(mcp.url, provider, recording);
    cleanups.push(() => client.close());
    expect(decodeJwt(provider.saved!.access_token).payload.scope).toBe('read');
    expect(provider.saved!.refresh_token).toBeTruthy();

    // Unlike SDK 1.x (typescript-sdk#2255), v2 does not refresh into the same narrow token: the
    // union is a strict superset of what is held, so it authorizes again (SEP-2350).
    await expect(client.callTool({ name: 'write_note', arguments: { text: 'stepped up' } })).rejects.toBeInstanceOf(UnauthorizedError);
    expect(provider.authorizations[1]!.searchParams.get('scope')).toBe('read write offline_access');
    expect(provider.prompts[1]!.scopes.map((x) => x.name)).toEqual(['read', 'write', 'offline_access']);
    await transport.finishAuth(provider.callback!);
    expect(toolText(await client.callTool({ name: 'write_note', arguments: { text: 'stepped up' } }))).toContain('saved note');
    expect(decodeJwt(provider.saved!.access_token).payload.scope).toBe('read write');
  });
});
