/**
 * `authserver demo --topology`: each topology's seed with example MCP servers on the official
 * SDK. In-process for the flows; one child process proves the bundled CLI finds the seeds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTopologyDemo, topologyInstructions } from '../../server/demo/topology';
import { silentLogger } from '../../server/log';
import { buildCli, cliEnv, removeBuild, runCli, tempDir } from '../cli/helpers';
import { connectSdk, toolText } from '../interop/helpers';
import { TestAuthProvider } from '../helpers/mcpAuthProvider';
import { decodeJwt, postForm } from '../helpers/oauthClient';
import { startDemoProcess } from './helpers';

const opts = { port: 0, mcpPort: 0, consent: 'auto' as const, log: silentLogger };
const json = (r: unknown) => JSON.parse(toolText(r)) as Record<string, unknown>;

describe('demo --topology in process', () => {
  it('mcp-gateway-mint: the agent calls the gateway, the hidden server sees the exchanged token', async () => {
    const d = await startTopologyDemo('mcp-gateway-mint', opts);
    try {
      expect(d.servers.map((x) => x.slug)).toEqual(['mcp-gw']);
      expect(d.hidden?.slug).toBe('rest-api');
      expect(d.server.services.fronting.list().map((l) => l.id)).toEqual(['mcp-gw/rest-api']);
      const provider = new TestAuthProvider(undefined, { clientId: 'my-agent' });
      const { client } = await connectSdk(d.servers[0]!.url, provider);
      const who = json(await client.callTool({ name: 'whoami', arguments: {} }));
      expect(who).toMatchObject({ subject: 'dev-user', client_id: 'mcp-gw', aud: d.hidden!.url, actors: ['mcp-gw', 'my-agent'] });
      await client.close();
      const text = topologyInstructions(d);
      expect(text).toContain(`Connect an agent to the gateway only: npx authserver connect ${d.servers[0]!.url}`);
      expect(text).toContain(`  Hidden        ${d.hidden!.url}   rest-api: hidden notes server (reached only through the gateway)`);
    } finally {
      await d.close();
    }
  });

  it('direct-fanout: two servers, one agent, two tokens', async () => {
    const d = await startTopologyDemo('direct-fanout', opts);
    try {
      const auds: unknown[] = [];
      for (const srv of d.servers) {
        const provider = new TestAuthProvider(undefined, { clientId: 'my-agent' });
        const { client } = await connectSdk(srv.url, provider);
        expect(json(await client.callTool({ name: 'whoami', arguments: {} }))).toMatchObject({ client_id: 'my-agent', aud: srv.url });
        auds.push(decodeJwt(provider.saved!.access_token).payload.aud);
        await client.close();
      }
      expect(auds).toEqual(d.servers.map((x) => [x.url]));
      expect(d.server.services.consents.list({ client_id: 'my-agent' }).map((g) => g.resource).sort()).toEqual(['mcp-a', 'mcp-b']);
    } finally {
      await d.close();
    }
  });

  it('m2m-client-credentials: the backend gets a token with sub = its client id, and the printed command has its secret', async () => {
    const d = await startTopologyDemo('m2m-client-credentials', opts);
    try {
      const c = d.clients[0]!;
      const api = d.servers[0]!;
      const r = await postForm(`${d.issuer}/oauth/token`, { grant_type: 'client_credentials', resource: api.url, scope: 'read' }, { authorization: `Basic ${Buffer.from(`${c.client_id}:${c.client_secret}`).toString('base64')}` });
      expect(r.status).toBe(200);
      expect(decodeJwt(r.json.access_token as string).payload).toMatchObject({ sub: 'nightly-etl', client_id: 'nightly-etl', aud: [api.url], scope: 'read' });
      const call = await fetch(api.url, { method: 'POST', headers: { authorization: `Bearer ${r.json.access_token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami', arguments: {} } }) });
      expect(call.status).toBe(200);
      expect(topologyInstructions(d)).toContain(`curl -s -u nightly-etl:${c.client_secret} -d grant_type=client_credentials -d resource=${api.url} -d scope=read ${d.issuer}/oauth/token`);
    } finally {
      await d.close();
    }
  });
});

describe('demo --topology as the bundled CLI', () => {
  let cli: string;
  beforeAll(async () => {
    cli = await buildCli();
  });
  afterAll(async () => {
    if (cli) await removeBuild(cli);
  });

  it('finds the seed, prints the topology and stops on SIGINT', async () => {
    const env = cliEnv(await tempDir('authplane-demo-home-'));
    const demo = await startDemoProcess(cli, ['--topology', 'mcp-gateway-mint', '--port', '0', '--mcp-port', '0', '--consent', 'auto'], env);
    expect(demo.stdout).toMatch(/^AuthPlane demo \(mcp-gateway-mint\) is running\.\n/);
    expect(demo.stdout).toMatch(/^ {2}Client {8}mcp-gw-client: the gateway \(confidential, token exchange\) \(secret [\w-]{43}, shown once\)$/m);
    demo.child.kill('SIGINT');
    expect(await demo.exited).toBe(0);
  });

  it('refuses an unknown topology with the choices', async () => {
    const r = await runCli(cli, ['demo', '--topology', 'mesh'], { env: cliEnv(await tempDir('authplane-demo-home-')) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("option '--topology <name>' argument 'mesh' is invalid. Allowed choices are single-mcp, direct-fanout, mcp-gateway-mint, m2m-client-credentials.");
  });
});
