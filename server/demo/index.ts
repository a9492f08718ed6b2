/**
 * `authserver demo`: the newcomer's first five minutes in one process. Starts AuthPlane, seeds
 * resource `mcp-a` (the example MCP server's URI, scopes read and write) and a public client,
 * starts the example MCP server (real MCP SDK + the AuthPlane SDK adapter) pointing at it, and
 * says what to connect. Idempotent on a reused data dir.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningServer } from '../app';
import { DEFAULT_MCP_PROTOCOL, type McpProtocol } from '../contracts/mcpProtocol';
import type { Logger } from '../log';

export const DEMO_RESOURCE_SLUG = 'mcp-a';
export const DEMO_CLIENT_ID = 'demo-agent';
/** Port-less loopback redirects: AuthPlane lets a loopback redirect use any port (RFC 8252 §7.3). */
export const DEMO_REDIRECT_URIS = ['http://127.0.0.1/callback', 'http://localhost/callback'];

export interface DemoOptions {
  /** AuthPlane's port (default 9000; 0 picks a free one). */
  port?: number;
  /** The example MCP server's port (default 3001; 0 picks a free one). */
  mcpPort?: number;
  consent?: 'prompt' | 'auto';
  /** The example MCP server's protocol revision (default 2026-07-28, SDK v2; 2025-11-25 on SDK 1.x). */
  protocol?: McpProtocol;
  user?: string;
  /** Default: a temporary directory, removed by close(). */
  dataDir?: string;
  log?: Logger;
}

/** What every demo (this one and the topologies) hands back: where AuthPlane runs and how to stop it. */
export interface DemoRun {
  issuer: string;
  /** One-time sign-in link for the admin UI (a fresh one: `authserver ui-link`). */
  uiUrl: string;
  consent: 'prompt' | 'auto';
  user: string;
  dataDir: string;
  temporaryDataDir: boolean;
  server: RunningServer;
  close(): Promise<void>;
}

export interface Demo extends DemoRun {
  mcpUrl: string;
  resource: string;
  prmUrl: string;
  protocol: McpProtocol;
  clientId: string;
}

export class DemoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DemoError';
  }
}

/** AuthPlane for a demo: on `opts.dataDir`, or on a temporary one that `cleanDir` removes. */
export async function startDemoServer(opts: DemoOptions): Promise<{ server: RunningServer; dataDir: string; temporaryDataDir: boolean; cleanDir: () => Promise<void> }> {
  const { startServer } = await import('../app');
  const temporaryDataDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'authplane-demo-')));
  const cleanDir = () => (temporaryDataDir ? rm(dataDir, { recursive: true, force: true }).catch(() => undefined) : Promise.resolve());
  try {
    // A throwaway data dir is removed on exit: surviving power loss buys nothing, so no fsync.
    const server = await startServer({ dataDir, port: opts.port ?? 9000, consent: opts.consent ?? 'prompt', user: opts.user, log: opts.log, durability: temporaryDataDir ? 'os' : 'fsync' });
    return { server, dataDir, temporaryDataDir, cleanDir };
  } catch (err) {
    await cleanDir();
    throw err;
  }
}

/** The example server on `port`, with the demo's message when the port is taken. */
export async function startDemoMcp<T>(port: number, start: (port: number) => Promise<T>): Promise<T> {
  return start(port).catch((err: NodeJS.ErrnoException) => {
    if (err?.code === 'EADDRINUSE') throw new DemoError(`port ${port} (the example MCP server) is already in use on 127.0.0.1; pass --mcp-port 0 for a free port or stop the other process`);
    throw err;
  });
}

export async function startDemo(opts: DemoOptions = {}): Promise<Demo> {
  const { startExampleMcpServer } = await import('../../examples/mcp-server/server');
  const { server, dataDir, temporaryDataDir, cleanDir } = await startDemoServer(opts);
  let mcp: Awaited<ReturnType<typeof startExampleMcpServer>>;
  try {
    mcp = await startDemoMcp(opts.mcpPort ?? 3001, (port) => startExampleMcpServer({ issuer: server.issuer, port, protocol: opts.protocol ?? DEFAULT_MCP_PROTOCOL }));
  } catch (err) {
    await server.close();
    await cleanDir();
    throw err;
  }
  try {
    await seed(server, mcp.resource);
  } catch (err) {
    await mcp.close();
    await server.close();
    await cleanDir();
    throw err;
  }
  const cfg = server.services.deps.config;
  const { uiLoginUrl } = await import('../ui/session');
  let closing: Promise<void> | undefined;
  return {
    issuer: server.issuer,
    uiUrl: uiLoginUrl(server.issuer),
    mcpUrl: mcp.url,
    resource: mcp.resource,
    prmUrl: mcp.prmUrl,
    protocol: mcp.protocol,
    clientId: DEMO_CLIENT_ID,
    consent: cfg.consent,
    user: cfg.user,
    dataDir,
    temporaryDataDir,
    server,
    close: () =>
      (closing ??= (async () => {
        await mcp.close();
        await server.close();
        await cleanDir();
      })()),
  };
}

/** Resource mcp-a at the example server's URI and the demo client; repairs a stale URI. */
async function seed(server: RunningServer, uri: string): Promise<void> {
  const s = server.services;
  const existing = s.resources.get(DEMO_RESOURCE_SLUG);
  if (!existing) {
    await s.resources.create({
      slug: DEMO_RESOURCE_SLUG,
      uri,
      display_name: 'MCP A (example notes server)',
      scopes: [
        { name: 'read', description: 'Read your notes' },
        { name: 'write', description: 'Write your notes' },
      ],
    });
  } else if (existing.uri !== uri) {
    // A reused data dir with the MCP server on another port: the aud must follow the server.
    await s.resources.update(existing.slug, { uri });
  }
  if (!s.clients.get(DEMO_CLIENT_ID)) {
    await s.clients.create(
      { client_name: 'Demo agent', client_id: DEMO_CLIENT_ID, redirect_uris: DEMO_REDIRECT_URIS, grant_types: ['authorization_code', 'refresh_token'], token_endpoint_auth_method: 'none' },
      'admin',
    );
  }
}

/** A shell word as typed: quoted only when it needs to be (a data dir with spaces). */
export const shellWord = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** What `authserver demo` prints: where things are, and the commands that connect a client. */
export function demoInstructions(d: Pick<Demo, 'issuer' | 'uiUrl' | 'mcpUrl' | 'resource' | 'clientId' | 'consent' | 'user' | 'dataDir' | 'temporaryDataDir'> & { protocol?: McpProtocol }): string {
  const dd = `--data-dir ${shellWord(d.dataDir)}`;
  const protocol = d.protocol ?? DEFAULT_MCP_PROTOCOL;
  // connect and doctor default to 2026-07-28; an older example server needs the flag passed on.
  const pf = protocol === DEFAULT_MCP_PROTOCOL ? '' : ` --protocol ${protocol}`;
  return [
    'AuthPlane demo is running.',
    `UI: ${d.uiUrl}`,
    `    (the admin UI's sign-in link works once; a fresh one: npx authserver ui-link ${dd})`,
    '',
    `  AuthPlane     ${d.issuer}`,
    `  MCP server    ${d.mcpUrl}   (example notes server, MCP ${protocol}: tools whoami, read_note, write_note)`,
    `  Resource      ${DEMO_RESOURCE_SLUG} = ${d.resource}   scopes: read, write`,
    `  Client        ${d.clientId} (public, PKCE, any loopback redirect such as http://127.0.0.1:<port>/callback); clients may also register themselves`,
    `  Consent       ${d.consent === 'auto' ? `auto: every valid request is approved as "${d.user}"` : `prompt: your browser shows AuthPlane's consent page; click Approve (as "${d.user}")`}`,
    `  Data dir      ${d.dataDir}${d.temporaryDataDir ? ' (temporary, removed on exit; pass --data-dir to keep it)' : ''}`,
    '',
    `Connect an MCP client to ${d.mcpUrl}:`,
    `  MCP Inspector  npx @modelcontextprotocol/inspector`,
    `                 then Transport Type "Streamable HTTP", URL ${d.mcpUrl}, Connect`,
    `  Claude Code    claude mcp add --transport http authplane-demo ${d.mcpUrl}`,
    `  mcp-remote     npx mcp-remote ${d.mcpUrl}`,
    `                 (stdio-only clients: {"command": "npx", "args": ["mcp-remote", "${d.mcpUrl}"]})`,
    '',
    `Connect as a CLI:  npx authserver connect ${d.mcpUrl}${pf}`,
    `Check the setup:   npx authserver doctor ${d.mcpUrl}${pf} ${dd}`,
    `See the tokens:    npx authserver admin issuance list ${dd} --resource ${DEMO_RESOURCE_SLUG}`,
    '',
    `Press Ctrl+C to stop (or from another terminal: npx authserver stop ${dd}).`,
  ].join('\n');
}
