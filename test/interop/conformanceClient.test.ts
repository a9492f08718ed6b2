/**
 * The official MCP conformance suite's client auth scenarios (`client --suite auth`) with
 * `authserver connect` as the client under test, for both protocol revisions. The suite runs its
 * own mock MCP and authorization servers (opaque tokens, pre-registration with a secret, step-up,
 * CIMD, the metadata location variants, SEP-837 application_type…) and launches the client
 * through scripts/conformance-connect.mjs, which turns the suite's environment into flags.
 * Every check must be SUCCESS (or INFO): no failure, no warning.
 */
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, removeBuild, tempDir } from '../cli/helpers';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUNNER = join(ROOT, 'scripts/conformance.mjs');
const CLIENT = join(ROOT, 'scripts/conformance-connect.mjs');

const SCENARIOS = [
  'basic-cimd',
  'metadata-default',
  'metadata-var1',
  'metadata-var2',
  'metadata-var3',
  'pre-registration',
  'scope-from-scopes-supported',
  'scope-from-www-authenticate',
  'scope-omitted-when-undefined',
  'scope-retry-limit',
  'scope-step-up',
  'token-endpoint-auth-basic',
  'token-endpoint-auth-none',
  'token-endpoint-auth-post',
];

interface Check {
  id: string;
  status: 'SUCCESS' | 'FAILURE' | 'WARNING' | 'INFO' | 'SKIPPED';
  description?: string;
  errorMessage?: string;
}

let cli: string;
beforeAll(async () => {
  cli = await buildCli();
}, 60_000);
afterAll(async () => {
  if (cli) await removeBuild(cli);
});

/** The 2026-07-28 auth scenarios outside `--suite auth`: RFC 9207 iss (SEP-2468), AS migration (SEP-2352), offline_access (SEP-2207), resource mismatch. */
const SCENARIOS_2026 = [
  'authorization-server-migration',
  'iss-normalized',
  'iss-not-advertised',
  'iss-supported',
  'iss-supported-missing',
  'iss-unexpected',
  'iss-wrong-issuer',
  'metadata-issuer-mismatch',
  'offline-access-not-supported',
  'offline-access-scope',
  'resource-mismatch',
];

/** `--suite auth`, or one scenario; either way the suite writes <out>/auth/<scenario>-<time>/checks.json. */
async function runSuite(specVersion: string, scenario?: string) {
  const outDir = await tempDir('authplane-conformance-client-');
  const which = scenario ? ['--scenario', `auth/${scenario}`] : ['--suite', 'auth'];
  // The per-scenario client budget is for a hung client on a busy machine, not a speed check.
  const args = [RUNNER, 'client', ...which, '--spec-version', specVersion, '--timeout', '120000', '--command', `${process.execPath} ${CLIENT} ${cli}`, '-o', outDir];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  const scenarios = new Map<string, { checks: Check[]; stderr: string }>();
  for (const dir of await readdir(join(outDir, 'auth'))) {
    const name = /^(.+)-\d{4}-\d{2}-\d{2}T/.exec(dir)?.[1];
    if (!name) continue;
    const read = (f: string) => readFile(join(outDir, 'auth', dir, f), 'utf8').catch(() => '');
    const checks = JSON.parse((await read('checks.json')) || JSON.stringify([{ id: `${name}: no checks.json`, status: 'FAILURE' }])) as Check[];
    scenarios.set(name, { checks, stderr: await read('stderr.txt') });
  }
  return { code, output, scenarios };
}

function failures(scenarios: Awaited<ReturnType<typeof runSuite>>['scenarios']) {
  return [...scenarios.entries()].flatMap(([name, s]) =>
    s.checks.filter((c) => c.status === 'FAILURE' || c.status === 'WARNING').map((c) => ({ scenario: name, id: c.id, status: c.status, why: c.errorMessage ?? c.description, client: s.stderr })),
  );
}

describe('MCP conformance client: the 2026-07-28 authorization scenarios outside the auth suite, against authserver connect', () => {
  it('iss validation, AS migration, offline_access and resource mismatch: every check passes', async () => {
    for (const scenario of SCENARIOS_2026) {
      const r = await runSuite('2026-07-28', scenario);
      expect([...r.scenarios.keys()], r.output).toEqual([scenario]);
      expect(failures(r.scenarios), r.output).toEqual([]);
    }
  }, 900_000);
});

describe.each(['2025-11-25', '2026-07-28'])('MCP conformance client auth suite against authserver connect (spec %s)', (specVersion) => {
  it('every scenario runs and every check passes', async () => {
    const r = await runSuite(specVersion);
    expect([...r.scenarios.keys()].sort()).toEqual(SCENARIOS);
    expect(failures(r.scenarios), r.output).toEqual([]);
    expect(r.output).toMatch(/Total: \d+ passed, 0 failed, 0 warnings/);
    expect(r.code, r.output).toBe(0);
  }, 600_000);
});
