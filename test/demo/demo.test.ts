/**
 * `authserver demo`: as a child process it prints where everything is and how to connect, a
 * real MCP SDK client completes the flow against the printed MCP URL, and Ctrl-C stops it
 * cleanly. In-process: a reused data dir is repaired, and the doctor finds nothing wrong.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CLIENT_ID, demoInstructions, DemoError, startDemo } from '../../server/demo';
import { runDoctor } from '../../server/doctor';
import { silentLogger } from '../../server/log';
import { buildCli, cliEnv, removeBuild, tempDir } from '../cli/helpers';
import { startDemoProcess } from './helpers';
import { TestAuthProvider } from '../helpers/mcpAuthProvider';
import { decodeJwt } from '../helpers/oauthClient';

let cli: string;
beforeAll(async () => {
  cli = await buildCli();
});
afterAll(async () => {
  if (cli) await removeBuild(cli);
});

const field = (out: string, label: string) => new RegExp(`^  ${label}\\s+(\\S+)`, 'm').exec(out)?.[1];

async function connect(url: string, provider: TestAuthProvider) {
  const client = new Client({ name: 'demo-test', version: '1.0.0' });
  try {
    await client.connect(new StreamableHTTPClientTransport(new URL(url), { authProvider: provider }));
  } catch (e) {
    if (!(e instanceof UnauthorizedError)) throw e;
    const t = new StreamableHTTPClientTransport(new URL(url), { authProvider: provider });
    await t.finishAuth(provider.code!);
    await client.connect(new StreamableHTTPClientTransport(new URL(url), { authProvider: provider }));
  }
  return client;
}
const text = (r: unknown) => (r as { content: Array<{ text: string }> }).content[0]!.text;

describe('authserver demo (child process)', () => {
  it('prints what to connect; real SDK clients complete the flow; Ctrl-C stops it and removes the temporary data dir', async () => {
    const home = await tempDir();
    const demo = await startDemoProcess(cli, ['--port', '0', '--mcp-port', '0', '--consent', 'auto'], cliEnv(home));
    const issuer = field(demo.stdout, 'AuthPlane')!;
    const mcpUrl = field(demo.stdout, 'MCP server')!;
    const dataDir = field(demo.stdout, 'Data dir')!;
    expect(issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(mcpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect(demo.stdout).toContain(`  Resource      mcp-a = ${mcpUrl}   scopes: read, write`);
    expect(demo.stdout).toContain(`  Claude Code    claude mcp add --transport http authplane-demo ${mcpUrl}`);
    expect(demo.stdout).toContain(`  mcp-remote     npx mcp-remote ${mcpUrl}`);
    expect(demo.stdout).toContain(`URL ${mcpUrl}, Connect`);
    expect(demo.stdout).toContain(`  npx authserver doctor ${mcpUrl} --data-dir ${dataDir}`);
    expect(demo.stdout).toContain(`  npx authserver connect ${mcpUrl}`);
    expect(demo.stdout).toContain(`npx authserver stop --data-dir ${dataDir}`);
    // Every authserver hint runs from a checkout without a global install.
    expect(demo.stdout.match(/(?<!npx )authserver (?!demo)/g)).toBeNull();
    expect(existsSync(dataDir)).toBe(true);

    // The UI link signs in once.
    const ui = /^UI: (\S+)$/m.exec(demo.stdout)?.[1];
    expect(ui).toMatch(new RegExp(`^${issuer}/ui/\\?token=`));
    const signIn = await fetch(ui!, { redirect: 'manual' });
    expect(signIn.status).toBe(303);
    expect(signIn.headers.get('location')).toBe('/ui/');

    // The seeded public client, PKCE, consent auto; the token's aud is the printed MCP URL.
    const seeded = new TestAuthProvider('http://127.0.0.1:8976/callback', { clientId: DEMO_CLIENT_ID });
    const c1 = await connect(mcpUrl, seeded);
    expect(JSON.parse(text(await c1.callTool({ name: 'whoami', arguments: {} })))).toMatchObject({ subject: 'dev-user', client_id: DEMO_CLIENT_ID, scopes: ['read', 'write'], aud: mcpUrl });
    expect(text(await c1.callTool({ name: 'write_note', arguments: { text: 'hello' } }))).toContain('saved note');
    expect(decodeJwt(seeded.saved!.access_token).payload).toMatchObject({ iss: issuer, aud: [mcpUrl] });
    await c1.close();

    // A client that registers itself (DCR) works too.
    const dcr = new TestAuthProvider('http://127.0.0.1:8977/callback');
    const c2 = await connect(mcpUrl, dcr);
    expect(text(await c2.callTool({ name: 'read_note', arguments: {} }))).toBe('hello');
    expect(dcr.info!.client_id).not.toBe(DEMO_CLIENT_ID);
    await c2.close();

    demo.child.kill('SIGINT');
    expect(await demo.exited).toBe(0);
    expect(demo.stderr()).toContain('authserver demo: stopped');
    expect(existsSync(dataDir)).toBe(false);
  });

  it('a taken MCP port is one clear line and exit 1', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    const home = await tempDir();
    const child = spawn(process.execPath, [cli, 'demo', '--port', '0', '--mcp-port', String(port)], { env: cliEnv(home), stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const code = await new Promise((r) => child.on('exit', r));
    blocker.close();
    expect(code).toBe(1);
    expect(err).toBe(`authserver demo: port ${port} (the example MCP server) is already in use on 127.0.0.1; pass --mcp-port 0 for a free port or stop the other process\n`);
  });
});

describe('startDemo (in-process)', () => {
  it('prompt consent by default; the doctor finds nothing wrong; a reused data dir follows the MCP server to its new port', async () => {
    const dataDir = await tempDir();
    const first = await startDemo({ port: 0, mcpPort: 0, dataDir, log: silentLogger });
    expect(first).toMatchObject({ consent: 'prompt', user: 'dev-user', temporaryDataDir: false, clientId: DEMO_CLIENT_ID });
    const report = await runDoctor({ mcpUrl: first.mcpUrl, issuer: first.issuer, adminToken: first.server.adminToken });
    expect(report.ok, JSON.stringify(report.steps.filter((x) => x.status !== 'pass'))).toBe(true);
    expect(report.summary.pass).toBe(15);
    const firstUri = first.resource;
    await first.close();
    expect(existsSync(dataDir)).toBe(true);

    const second = await startDemo({ port: 0, mcpPort: 0, dataDir, log: silentLogger });
    try {
      expect(second.resource).not.toBe(firstUri);
      expect(second.server.services.resources.get('mcp-a')!.uri).toBe(second.resource);
      expect(second.server.services.clients.list().filter((c) => c.client_id === DEMO_CLIENT_ID)).toHaveLength(1);
      expect(demoInstructions(second)).toContain('prompt: your browser shows AuthPlane\'s consent page; click Approve (as "dev-user")');
    } finally {
      await second.close();
    }
  });

  it('a taken MCP port is a DemoError', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    const err = await startDemo({ port: 0, mcpPort: port, log: silentLogger }).catch((e: unknown) => e);
    blocker.close();
    expect(err).toBeInstanceOf(DemoError);

  });

  it('--protocol 2025-11-25 runs the SDK 1.x example server; the printed connect and doctor commands carry the flag, and the doctor passes with it', async () => {
    const demo = await startDemo({ port: 0, mcpPort: 0, protocol: '2025-11-25', log: silentLogger });
    try {
      expect(demo.protocol).toBe('2025-11-25');
      const text = demoInstructions(demo);
      expect(text).toContain(`(example notes server, MCP 2025-11-25: tools whoami, read_note, write_note)`);
      expect(text).toContain(`Connect as a CLI:  npx authserver connect ${demo.mcpUrl} --protocol 2025-11-25\n`);
      expect(text).toContain(`Check the setup:   npx authserver doctor ${demo.mcpUrl} --protocol 2025-11-25 --data-dir `);
      const report = await runDoctor({ mcpUrl: demo.mcpUrl, issuer: demo.issuer, adminToken: demo.server.adminToken, protocol: '2025-11-25' });
      expect(report.ok, JSON.stringify(report.steps.filter((x) => x.status !== 'pass'))).toBe(true);
      expect(report.mcp_protocols).toEqual(['2025-11-25']);
    } finally {
      await demo.close();
    }
    // The default demo speaks 2026-07-28 and its printed commands need no flag.
    const modern = await startDemo({ port: 0, mcpPort: 0, log: silentLogger });
    try {
      expect(modern.protocol).toBe('2026-07-28');
      expect(demoInstructions(modern)).toContain(`Connect as a CLI:  npx authserver connect ${modern.mcpUrl}\n`);
    } finally {
      await modern.close();
    }
  });
});
