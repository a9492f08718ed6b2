/**
 * The official MCP conformance suite (`@modelcontextprotocol/conformance`, `authorization`
 * command) against `authserver serve`, through scripts/conformance.mjs (see there).
 *
 * The suite's authorization-code-grant scenario prints an authorization URL for a person to
 * open; consent is `auto` here, so following the URL with fetch lands on the suite's own
 * callback server, exactly as a browser would. Every check must be SUCCESS, or a WARNING
 * listed in ACCEPTABLE_WARNINGS with the reason.
 */
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, cliEnv, removeBuild, startServe, tempDir, type ServeProcess } from '../cli/helpers';
import { freePort } from './helpers';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUNNER = join(ROOT, 'scripts/conformance.mjs');
const RESOURCE = 'http://127.0.0.1:3001/mcp';
/** check id → why a WARNING is acceptable. None today: AuthPlane passes every check. */
const ACCEPTABLE_WARNINGS: Record<string, string> = {};

interface Check {
  id: string;
  status: 'SUCCESS' | 'FAILURE' | 'WARNING' | 'INFO' | 'SKIPPED';
  errorMessage?: string;
}

let cli: string;
let serve: ServeProcess;
let adminToken: string;

beforeAll(async () => {
  cli = await buildCli();
  const dataDir = await tempDir();
  const home = await tempDir();
  serve = await startServe(cli, ['--port', '0', '--data-dir', dataDir, '--consent', 'auto', '--log-level', 'warn'], cliEnv(home));
  adminToken = (await readFile(join(dataDir, 'admin-token'), 'utf8')).trim();
  const admin = (path: string, body: unknown) =>
    fetch(`${serve.issuer}/admin/api${path}`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect((await admin('/resources', { slug: 'mcp-a', uri: RESOURCE, scopes: [{ name: 'read' }, { name: 'write' }] })).status).toBe(201);
  // The suite's redirect is http://127.0.0.1:<port>/callback; a port-less loopback registration accepts any port.
  expect((await admin('/clients', { client_name: 'MCP conformance suite', client_id: 'conformance', redirect_uris: ['http://127.0.0.1/callback'], grant_types: ['authorization_code'], token_endpoint_auth_method: 'none' })).status).toBe(201);
}, 60_000);

afterAll(async () => {
  await serve?.stop();
  if (cli) await removeBuild(cli);
});

/** Runs the conformance CLI; follows the authorization URL it prints; returns its checks by scenario. */
async function runConformance(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; scenarios: Map<string, Check[]> }> {
  const outDir = await tempDir('authplane-conformance-');
  const child = spawn(process.execPath, [RUNNER, ...args, '-o', outDir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  // Following the URL can fail (the suite gave up first): keep the reason for the assertion, never an unhandled rejection.
  let followed: Promise<string> | undefined;
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    // Only a whole line: a chunk can end in the middle of the URL (seen on a busy machine).
    const url = /^(http:\/\/\S+\/oauth\/authorize\?\S+)\r?\n/m.exec(stdout)?.[1];
    // Open the URL once its callback server listens: the suite prints the URL first and "Callback
    // server started" after (on a busy machine, long enough after for a refused connection).
    if (url && /^Callback server started: /m.test(stdout) && !followed) followed = fetch(url).then((r) => r.text(), (e: Error) => `following the authorization URL failed: ${e.message} (${String((e.cause as Error | undefined)?.message ?? '')})`);
  });
  // A budget for a hung suite, not a speed check: on a busy machine its start alone takes seconds.
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  clearTimeout(timer);
  stderr += (await followed)?.startsWith('following the authorization URL failed') ? `\n${await followed}` : '';
  const scenarios = new Map<string, Check[]>();
  for (const dir of await readdir(outDir)) {
    const name = /^authorization-server-(.+)-\d{4}-\d{2}-\d{2}T/.exec(dir)?.[1];
    // A scenario that wrote no checks (the suite was stopped) counts as one failed check, with the output to explain it.
    if (name) scenarios.set(name, JSON.parse(await readFile(join(outDir, dir, 'checks.json'), 'utf8').catch(() => JSON.stringify([{ id: `${name}: no checks.json`, status: 'FAILURE' }]))) as Check[]);
  }
  return { code, stdout, stderr, scenarios };
}

function expectAllPass(r: Awaited<ReturnType<typeof runConformance>>) {
  const bad = [...r.scenarios.values()].flat().filter((c) => c.status !== 'SUCCESS' && !(c.status === 'WARNING' && c.id in ACCEPTABLE_WARNINGS));
  expect(bad, `${r.stdout}\n${r.stderr}`).toEqual([]);
  expect(r.code, r.stderr).toBe(0);
}

describe('MCP conformance suite: authorization server scenarios against authserver serve', () => {
  it('lists the scenarios this test runs (a new one in an update shows up here)', async () => {
    const child = spawn(process.execPath, [RUNNER, 'list', '--authorization'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    expect(await new Promise((r) => child.on('exit', r))).toBe(0);
    expect([...out.matchAll(/^ {2}- (\S+)/gm)].map((m) => m[1])).toEqual(['authorization-server-metadata-endpoint', 'authorization-code-grant']);
  });

  it('public client with the resource parameter (how MCP clients ask): every check passes', async () => {
    const r = await runConformance(['authorization', '--url', serve.issuer, '--client-id', 'conformance', '--resource', RESOURCE, '-p', String(await freePort())]);
    expectAllPass(r);
    expect([...r.scenarios.keys()].sort()).toEqual(['authorization-code-grant', 'authorization-server-metadata-endpoint']);
    expect(r.scenarios.get('authorization-server-metadata-endpoint')!.map((c) => c.id)).toEqual(['authorization-server-metadata', 'authorization-server-metadata-cimd']);
    expect(r.stdout).toContain('Total: 3 passed, 0 failed');
  }, 150_000);

  it('public client without resource (plain OAuth 2.1): every check passes', async () => {
    const r = await runConformance(['authorization', '--url', serve.issuer, '--client-id', 'conformance', '-p', String(await freePort())]);
    expectAllPass(r);
  }, 150_000);

  it('--spec-version 2026-07-28 (the current MCP revision): every check passes', async () => {
    const r = await runConformance(['authorization', '--url', serve.issuer, '--client-id', 'conformance', '--resource', RESOURCE, '--spec-version', '2026-07-28', '-p', String(await freePort())]);
    expectAllPass(r);
    expect([...r.scenarios.keys()].sort()).toEqual(['authorization-code-grant', 'authorization-server-metadata-endpoint']);
  }, 150_000);
});
