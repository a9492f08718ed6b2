/** `authserver connect`: the real SDK client as a CLI, against a real server and the example MCP server. */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExampleMcpServer, type ExampleMcpServer } from '../../examples/mcp-server/server';
import type { McpProtocol } from '../../server/contracts/mcpProtocol';
import { startTestServer, type TestServer } from '../helpers/server';
import { until } from '../helpers/until';
import { buildCli, cliEnv, removeBuild, runCli, tempDir } from './helpers';
import { freePort } from '../helpers/ports';

let cli: string;
let home: string;
let mcp: ExampleMcpServer;

beforeAll(async () => {
  cli = await buildCli();
  home = await tempDir();
});
afterAll(async () => {
  await removeBuild(cli);
});

async function setup(consent: 'auto' | 'prompt', extra: { consentWaiterGrace?: number } = {}, protocol?: McpProtocol): Promise<TestServer> {
  const s = await startTestServer({ consent, ...extra });
  mcp = await startExampleMcpServer({ issuer: s.issuer, protocol });
  await s.services.resources.create({ slug: 'mcp-a', uri: mcp.resource, scopes: [{ name: 'read' }, { name: 'write' }] });
  return s;
}

function spawnConnect(args: string[]): { child: ChildProcess; out: { stdout: string; stderr: string }; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [cli, 'connect', ...args], { env: cliEnv(home), stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out.stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out.stderr += d));
  const exit = new Promise<number | null>((r) => child.on('exit', r));
  return { child, out, exit };
}

const warningCodes = (s: TestServer) => s.services.activity.list(200).flatMap((e) => e.warnings.map((w) => w.code));

describe('authserver connect', () => {
  it('registers, authorizes, calls whoami and prints the token claims (auto consent), without setting off a warning', async () => {
    const s = await setup('auto');
    try {
      const r = await runCli(cli, ['connect', mcp.url, '--json'], { env: cliEnv(home) });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out.claims).toMatchObject({ aud: [mcp.resource], sub: 'dev-user', scope: 'read write', iss: s.issuer });
      expect(out.tools).toEqual(['whoami', 'read_note', 'write_note']);
      expect(out.token.access_token).toBeUndefined();
      expect(s.services.clients.get(out.client_id)?.registration_source).toBe('dcr');
      // The SDK on its own registers with scope="read write", which AuthPlane warns about (dcr_scope_ignored).
      expect(warningCodes(s)).toEqual([]);
    } finally {
      await mcp.close();
      await s.stop();
    }
  });

  it('prompt mode: one prompt, its consent page printed, and a decision in the window completes the run', async () => {
    const s = await setup('prompt');
    const run = spawnConnect([mcp.url, '--scope', 'read']);
    try {
      // Its own request created the prompt, and connect waits on it (the window shows "authserver connect").
      const prompt = await until(() => s.services.interactions.listPending().find((p) => p.waiting.includes('cli')), 'connect to wait on its prompt');
      expect(s.services.interactions.listPending()).toHaveLength(1);
      expect(run.out.stderr).toContain(`${s.issuer}/consent?interaction=${prompt.uid}`);
      expect(run.out.stderr).not.toContain('/oauth/authorize?');
      expect(prompt).toMatchObject({ waiting: ['cli'], scopes: [{ name: 'read' }] });
      expect(prompt.stale).toBeUndefined();
      // Approved in the window; no browser tab follows the redirect, connect picks the code up itself.
      const res = await s.admin(`/interactions/${prompt.uid}/decision`, { method: 'POST', body: JSON.stringify({ action: 'approve' }) });
      expect(res.status).toBe(200);
      expect(await run.exit).toBe(0);
      expect(run.out.stdout).toContain('scope="read"');
      expect(s.services.interactions.listPending()).toEqual([]);
    } finally {
      run.child.kill();
      await mcp.close();
      await s.stop();
    }
  });

  it('prompt mode: a denial in the window ends the run with access_denied', async () => {
    const s = await setup('prompt');
    const run = spawnConnect([mcp.url]);
    try {
      const prompt = await until(() => s.services.interactions.listPending().find((p) => p.waiting.includes('cli')), 'connect to wait on its prompt');
      await s.admin(`/interactions/${prompt.uid}/decision`, { method: 'POST', body: JSON.stringify({ action: 'deny' }) });
      expect(await run.exit).toBe(1);
      expect(run.out.stderr).toContain('authserver connect: authorization failed: access_denied: the user denied the request');
    } finally {
      run.child.kill();
      await mcp.close();
      await s.stop();
    }
  });

  it('a prompt whose connect has gone is marked stale (abandoned) and says so', async () => {
    const s = await setup('prompt', { consentWaiterGrace: 0 });
    const run = spawnConnect([mcp.url]);
    try {
      const prompt = await until(() => s.services.interactions.listPending().find((p) => p.waiting.includes('cli')), 'connect to wait on its prompt');
      const updates: unknown[] = [];
      s.services.deps.events.subscribe((e) => {
        if (e.type === 'consent.updated') updates.push(e.data.interaction);
      });
      run.child.kill('SIGKILL');
      const stale = await until(() => s.services.interactions.listPending().find((p) => p.uid === prompt.uid && p.stale), 'the prompt to go stale');
      expect(stale).toMatchObject({ waiting: [], stale: 'abandoned' });
      expect(updates).toContainEqual(expect.objectContaining({ uid: prompt.uid, stale: 'abandoned', waiting: [] }));
    } finally {
      run.child.kill();
      await mcp.close();
      await s.stop();
    }
  });

  it('--tool write_note after a read-only grant steps up to read write and calls it (--args)', async () => {
    const s = await setup('auto');
    const issued: string[] = [];
    s.services.deps.events.subscribe((e) => {
      if (e.type === 'token.issued') issued.push(e.data.issuance.scope);
    });
    try {
      const r = await runCli(cli, ['connect', mcp.url, '--scope', 'read', '--tool', 'write_note', '--args', '{"name":"n1","text":"hello"}', '--json'], { env: cliEnv(home), timeoutMs: 60_000 });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out.claims.scope).toBe('read write');
      expect(out.tool_result.content).toEqual([{ type: 'text', text: 'saved note "n1" (5 chars)' }]);
      expect(out.tool_result.isError).toBeFalsy();
      // Two authorizations: read, then the challenged "read write" (not a refresh into the same read token).
      expect(issued).toEqual(['read', 'read write']);
    } finally {
      await mcp.close();
      await s.stop();
    }
  });

  it('--args that is not a JSON object is a usage error', async () => {
    const a = await runCli(cli, ['connect', 'http://127.0.0.1:9/mcp', '--args', '{oops'], { env: cliEnv(home) });
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/^authserver connect: --args: not JSON \(/);
    const b = await runCli(cli, ['connect', 'http://127.0.0.1:9/mcp', '--args', '[1]'], { env: cliEnv(home) });
    expect(b.code).toBe(2);
    expect(b.stderr).toBe(`authserver connect: --args: expected a JSON object, e.g. '{"text": "hello"}'\n`);
  });

  it('--callback-port puts the loopback redirect on that port, and a taken port is a clear error', async () => {
    const s = await setup('prompt');
    const port = await freePort();
    const run = spawnConnect([mcp.url, '--callback-port', String(port)]);
    try {
      const prompt = await until(() => s.services.interactions.listPending().find((p) => p.waiting.includes('cli')), 'connect to wait on its prompt');
      expect(prompt.redirect_uri).toBe(`http://127.0.0.1:${port}/callback`);
      const busy = await runCli(cli, ['connect', mcp.url, '--callback-port', String(port)], { env: cliEnv(home) });
      expect(busy.code).toBe(1);
      expect(busy.stderr).toBe(`authserver connect: cannot listen on 127.0.0.1:${port} for the OAuth callback (EADDRINUSE); pick another --callback-port, or leave it out for a free port\n`);
    } finally {
      run.child.kill();
      await mcp.close();
      await s.stop();
    }
  });

  it('speaks 2026-07-28 by default (registering as a native app, SEP-837) and 2025-11-25 with --protocol', async () => {
    const s = await setup('auto');
    try {
      const r = await runCli(cli, ['connect', mcp.url, '--json'], { env: cliEnv(home) });
      expect(r.stderr).toBe('');
      const out = JSON.parse(r.stdout);
      expect(out.protocol).toBe('2026-07-28');
      expect(s.services.clients.get(out.client_id)?.application_type).toBe('native');
      const human = await runCli(cli, ['connect', mcp.url], { env: cliEnv(home) });
      expect(human.stdout).toMatch(/^connected to \S+ as client \S+ \(MCP 2026-07-28\)\naccess token  aud=\S+ sub=dev-user scope="read write" /);
    } finally {
      await mcp.close();
      await s.stop();
    }
    const old = await setup('auto', {}, '2025-11-25');
    try {
      const r = await runCli(cli, ['connect', mcp.url, '--protocol', '2025-11-25', '--json'], { env: cliEnv(home) });
      expect(r.stderr).toBe('');
      const out = JSON.parse(r.stdout);
      expect(out.protocol).toBe('2025-11-25');
      expect(out.tool_result.content[0].text).toContain('"scopes":["read","write"]');
      const pinned = await runCli(cli, ['connect', mcp.url], { env: cliEnv(home) });
      expect(pinned.code).toBe(1);
      expect(pinned.stderr).toBe(
        'authserver connect: Version negotiation failed: the server did not offer pinned protocol version 2026-07-28 via server/discover (no fallback in pin mode); ' +
          'an MCP server on SDK 1.x speaks 2025-11-25: pass --protocol 2025-11-25\n',
      );
    } finally {
      await mcp.close();
      await old.stop();
    }
  });

  it('a pre-registered confidential client: --client-id with --client-secret authenticates at the token endpoint', async () => {
    const s = await setup('auto');
    try {
      const c = await s.services.clients.create({ client_name: 'agent', redirect_uris: ['http://127.0.0.1/callback'], grant_types: ['authorization_code', 'refresh_token'], token_endpoint_auth_method: 'client_secret_basic' });
      const r = await runCli(cli, ['connect', mcp.url, '--client-id', c.client_id, '--client-secret', c.client_secret!, '--json'], { env: cliEnv(home) });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ client_id: c.client_id, claims: { client_id: c.client_id, scope: 'read write' } });
      const wrong = await runCli(cli, ['connect', mcp.url, '--client-id', c.client_id, '--client-secret', 'not-the-secret'], { env: cliEnv(home) });
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toContain('invalid_client');
    } finally {
      await mcp.close();
      await s.stop();
    }
  });

  it('--client-secret without --client-id, or an unknown --protocol, is a usage error', async () => {
    const a = await runCli(cli, ['connect', 'http://127.0.0.1:9/mcp', '--client-secret', 's'], { env: cliEnv(home) });
    expect(a.code).toBe(2);
    expect(a.stderr).toBe('authserver connect: --client-secret belongs to a pre-registered client: pass --client-id too\n');
    const b = await runCli(cli, ['connect', 'http://127.0.0.1:9/mcp', '--protocol', '2024-11-05'], { env: cliEnv(home) });
    expect(b.code).toBe(2);
    expect(b.stderr).toContain("option '--protocol <revision>' argument '2024-11-05' is invalid. expected one of 2026-07-28, 2025-11-25");
  });
});
