/**
 * The README's by-hand quick start, pasted into bash as it is (only its two ports swapped for free
 * ones, and `npx authserver` running this checkout's CLI): with --consent auto, and without it,
 * approving the one prompt the way a person would in the window.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../helpers/until';
import { buildCli, cliEnv, removeBuild, tempDir } from './helpers';
import { freePort } from '../helpers/ports';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let cli: string;

beforeAll(async () => {
  cli = await buildCli();
});
afterAll(async () => {
  await removeBuild(cli);
});


/** The first sh block after "The same by hand". */
async function quickStart(): Promise<string> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const from = readme.indexOf('The same by hand');
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(from))?.[1];
  if (from < 0 || !block) throw new Error('README.md has no "The same by hand" quick start block');
  return block;
}

async function runQuickStart(mode: 'auto' | 'prompt'): Promise<{ code: number | null; stdout: string; stderr: string; approved: number }> {
  const [asPort, mcpPort] = [await freePort(), await freePort()];
  let script = (await quickStart()).replaceAll('9000', String(asPort)).replaceAll('3001', String(mcpPort));
  if (mode === 'prompt') script = script.replaceAll(' --consent auto', '');
  const cwd = await tempDir('authplane-quickstart-');
  // `npx authserver` is this checkout's CLI; whatever the block leaves running is stopped after it.
  const prelude = `set -e\nnpx() { if [ "$1" = authserver ]; then shift; node ${JSON.stringify(cli)} "$@"; else command npx "$@"; fi; }\n`;
  const child = spawn('bash', ['-c', `${prelude}${script}\nkill $(jobs -p) 2>/dev/null || true\nwait\n`], { cwd, env: cliEnv(cwd), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.on('exit', r));
  let approved = 0;
  if (mode === 'prompt') {
    // A person clicks Approve in the window: the admin API with the data dir's token.
    const issuer = `http://127.0.0.1:${asPort}`;
    const token = await until(() => readFile(join(cwd, '.authplane', 'admin-token'), 'utf8').then((t) => t.trim() || undefined, () => undefined), 'the admin token', 60_000);
    const admin = (path: string, init?: RequestInit) => fetch(`${issuer}/admin/api${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
    const pending = await until(
      () => admin('/interactions').then((r) => r.json() as Promise<Array<{ uid: string; waiting: string[] }>>).then((xs) => (xs.some((x) => x.waiting.includes('cli')) ? xs : undefined), () => undefined),
      'connect to wait on its prompt',
      60_000,
    );
    for (const p of pending) if ((await admin(`/interactions/${p.uid}/decision`, { method: 'POST', body: JSON.stringify({ action: 'approve' }) })).ok) approved++;
  }
  const code = await exited;
  return { code, stdout, stderr, approved };
}

describe('README quick start, pasted verbatim', () => {
  for (const mode of ['auto', 'prompt'] as const) {
    it(`works with ${mode === 'auto' ? '--consent auto' : 'prompt consent (one prompt, approved in the window)'}`, async () => {
      const r = await runQuickStart(mode);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/connected to http:\/\/127\.0\.0\.1:\d+\/mcp as client my-agent/);
      expect(r.stdout).toMatch(/tool result\s+\{/);
      expect(r.stdout).toContain('✓'); // the doctor's passing steps
      expect(r.stderr).not.toMatch(/error|failed/i);
      if (mode === 'prompt') expect(r.approved).toBe(1);
    }, 180_000);
  }
});
