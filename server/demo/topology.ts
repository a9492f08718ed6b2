/**
 * `authserver demo --topology <name>`: the product's topologies beyond single-mcp, each from its
 * seed in resources/seeds/ with example MCP servers (official SDK) started for its resources:
 *
 * - direct-fanout: two notes servers (mcp-a, mcp-b); one agent, a consent and a token per server.
 * - mcp-gateway-mint: the hidden notes server (rest-api) and the example gateway (mcp-gw), which
 *   forwards tool calls to it through RFC 8693 token exchange as client mcp-gw-client.
 * - m2m-client-credentials: a notes server (reports-api) and a backend client (nightly-etl).
 *
 * Resource URIs follow the servers' real ports. Confidential clients of the seed are created
 * afresh on a reused data dir so their one-time secrets can be handed to the servers and printed.
 */
import { readFile } from 'node:fs/promises';
import type { SeedResult } from '../seed/applySeed';
import { DemoError, shellWord, startDemoMcp, startDemoServer, type DemoOptions, type DemoRun } from './index';
import { seedFile, type Topology } from './seeds';

export interface TopologyServer {
  slug: string;
  url: string;
  /** What it is in the topology. */
  role: string;
}

export interface TopologyDemo extends DemoRun {
  topology: Exclude<Topology, 'single-mcp'>;
  /** The MCP servers an agent connects to (the gateway's hidden server is not among them). */
  servers: TopologyServer[];
  hidden?: TopologyServer;
  /** The agent (public) or the backend client, and any secret the demo holds. */
  clients: Array<{ client_id: string; role: string; client_secret?: string }>;
}

type Closer = () => Promise<void>;

export async function startTopologyDemo(topology: Exclude<Topology, 'single-mcp'>, opts: DemoOptions = {}): Promise<TopologyDemo> {
  const seedText = await readFile(seedFile(topology), 'utf8');
  const [{ startExampleMcpServer }, { startGateway }, { applySeed }, { uiLoginUrl }] = await Promise.all([
    import('../../examples/mcp-server/server'),
    import('../../examples/gateway/server'),
    import('../seed/applySeed'),
    import('../ui/session'),
  ]);
  const { server, dataDir, temporaryDataDir, cleanDir } = await startDemoServer(opts);
  const closers: Closer[] = [];
  const closeAll = async () => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
    await server.close();
    await cleanDir();
  };
  const s = server.services;
  const basePort = opts.mcpPort ?? 3001;
  const port = (i: number) => (basePort === 0 ? 0 : basePort + i);
  const notes = async (i: number) => {
    const mcp = await startDemoMcp(port(i), (p) => startExampleMcpServer({ issuer: server.issuer, port: p }));
    closers.push(mcp.close);
    return mcp;
  };
  /** The seed, with fresh confidential clients: their secrets exist only at creation. */
  const seed = async (): Promise<SeedResult> => {
    for (const id of ['mcp-gw-client', 'nightly-etl']) if (s.clients.get(id)) await s.clients.delete(id);
    return applySeed(s, seedText, { file: `resources/seeds/${topology}.yaml` });
  };
  const secretOf = (r: SeedResult, id: string) => r.clients.find((c) => c.client_id === id)?.client_secret;
  /** The resource's URI follows the server's real port (a reused data dir, port 0). */
  const pin = async (slug: string, uri: string) => {
    if (s.resources.require(slug).uri !== uri) await s.resources.update(slug, { uri });
  };

  try {
    const result = await seed();
    let servers: TopologyServer[];
    let hidden: TopologyServer | undefined;
    let clients: TopologyDemo['clients'];
    if (topology === 'direct-fanout') {
      const [a, b] = [await notes(0), await notes(1)];
      await pin('mcp-a', a.resource);
      await pin('mcp-b', b.resource);
      servers = [
        { slug: 'mcp-a', url: a.url, role: 'notes server A' },
        { slug: 'mcp-b', url: b.url, role: 'notes server B' },
      ];
      clients = [{ client_id: 'my-agent', role: 'the agent (public, PKCE): authorize it once per server' }];
    } else if (topology === 'mcp-gateway-mint') {
      const restApi = await notes(1);
      await pin('rest-api', restApi.resource);
      const secret = secretOf(result, 'mcp-gw-client');
      if (!secret) throw new DemoError('the mcp-gateway-mint seed did not create the gateway client mcp-gw-client');
      const gw = await startDemoMcp(port(0), (p) => startGateway({ issuer: server.issuer, hiddenUrl: restApi.resource, clientId: 'mcp-gw-client', clientSecret: secret, port: p }));
      closers.push(gw.close);
      await pin('mcp-gw', gw.resource);
      servers = [{ slug: 'mcp-gw', url: gw.url, role: 'the gateway: forwards whoami, read_note, write_note to rest-api' }];
      hidden = { slug: 'rest-api', url: restApi.url, role: 'hidden notes server (reached only through the gateway)' };
      clients = [
        { client_id: 'my-agent', role: 'the agent (public, PKCE): authorize it for mcp-gw' },
        { client_id: 'mcp-gw-client', role: 'the gateway (confidential, token exchange)', client_secret: secret },
      ];
    } else {
      const reports = await notes(0);
      await pin('reports-api', reports.resource);
      const secret = secretOf(result, 'nightly-etl');
      if (!secret) throw new DemoError('the m2m-client-credentials seed did not create the client nightly-etl');
      servers = [{ slug: 'reports-api', url: reports.url, role: 'the API the backend calls' }];
      clients = [{ client_id: 'nightly-etl', role: 'the backend (confidential, client_credentials; no user)', client_secret: secret }];
    }
    const cfg = s.deps.config;
    let closing: Promise<void> | undefined;
    return { topology, issuer: server.issuer, uiUrl: uiLoginUrl(server.issuer), servers, hidden, clients, consent: cfg.consent, user: cfg.user, dataDir, temporaryDataDir, server, close: () => (closing ??= closeAll()) };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/** What `authserver demo --topology` prints. */
export function topologyInstructions(d: Omit<TopologyDemo, 'server' | 'close'>): string {
  const dd = `--data-dir ${shellWord(d.dataDir)}`;
  const lines = [`AuthPlane demo (${d.topology}) is running.`, `UI: ${d.uiUrl}`, '', `  AuthPlane     ${d.issuer}`];
  for (const srv of d.servers) lines.push(`  MCP server    ${srv.url}   ${srv.slug}: ${srv.role}`);
  if (d.hidden) lines.push(`  Hidden        ${d.hidden.url}   ${d.hidden.slug}: ${d.hidden.role}`);
  for (const c of d.clients) lines.push(`  Client        ${c.client_id}: ${c.role}${c.client_secret ? ` (secret ${c.client_secret}, shown once)` : ''}`);
  lines.push(`  Consent       ${d.consent === 'auto' ? `auto: approved as "${d.user}"` : `prompt: approve on AuthPlane's consent page (as "${d.user}")`}`);
  lines.push(`  Data dir      ${d.dataDir}${d.temporaryDataDir ? ' (temporary, removed on exit)' : ''}`, '');
  if (d.topology === 'direct-fanout') {
    lines.push('Connect one agent to both servers: each asks for its own consent and gets its own token (aud = that server).');
    for (const srv of d.servers) lines.push(`  npx authserver connect ${srv.url}`);
    lines.push(`The window's Issuances view groups the agent's tokens by resource; revoking one consent leaves the other.`);
  } else if (d.topology === 'mcp-gateway-mint') {
    const gw = d.servers[0]!;
    lines.push(`Connect an agent to the gateway only: npx authserver connect ${gw.url}`);
    lines.push(`Call whoami: the hidden server answers with your user as subject, client_id "mcp-gw" and act {sub: mcp-gw, act: {sub: <agent>}}.`);
    lines.push(`See the exchanged tokens (with their parent): npx authserver admin issuance list ${dd} --resource rest-api`);
    lines.push(`The link: npx authserver admin fronting list ${dd}`);
  } else {
    const c = d.clients[0]!;
    const api = d.servers[0]!;
    lines.push('Get a machine token (no user; sub = the client id):');
    lines.push(`  curl -s -u ${c.client_id}:${c.client_secret ?? '<secret>'} -d grant_type=client_credentials -d resource=${api.url} -d scope=read ${d.issuer}/oauth/token`);
    lines.push(`then call ${api.url} with Authorization: Bearer <access_token>.`);
  }
  lines.push('', `Press Ctrl+C to stop (or from another terminal: npx authserver stop ${dd}).`);
  return lines.join('\n');
}
