/**
 * profile-diff.mjs reads two .cpuprofile files (or the directories paired.mjs --prof fills) and
 * prints per-function busy time per operation: idle excluded, bundled chunks matched as "app"
 * across builds, packages by name, self or inclusive time. Checked on small hand-made profiles.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../../scripts/bench/profile-diff.mjs', import.meta.url));
const run = promisify(execFile);
let dir: string;

const frame = (functionName: string, url = '') => ({ functionName, url, scriptId: '0', lineNumber: 0, columnNumber: 0 });

/**
 * root → (idle); root → handler (bundled chunk `chunk`) → set (koa). Samples: `idle` µs idle,
 * `handler` µs in the handler itself, `koa` µs in Koa's set.
 */
function profile(chunk: string, t: { idle: number; handler: number; koa: number }) {
  const nodes = [
    { id: 1, callFrame: frame('(root)'), children: [2, 3] },
    { id: 2, callFrame: frame('(idle)'), children: [] },
    { id: 3, callFrame: frame('token', `file:///x/bench-results/build/cli/chunks/${chunk}.js`), children: [4] },
    { id: 4, callFrame: frame('set', 'file:///x/node_modules/koa/lib/response.js'), children: [] },
  ];
  return { nodes, startTime: 0, endTime: t.idle + t.handler + t.koa, samples: [2, 3, 4], timeDeltas: [t.idle, t.handler, t.koa] };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'profile-diff-'));
  await writeFile(path.join(dir, 'a.cpuprofile'), JSON.stringify(profile('app-AAAA', { idle: 9000, handler: 3000, koa: 1000 })));
  // B as paired.mjs --prof leaves it: a directory holding the profile.
  await mkdir(path.join(dir, 'b'));
  await writeFile(path.join(dir, 'b', 'CPU.1.cpuprofile'), JSON.stringify(profile('app-BBBB', { idle: 1, handler: 3000, koa: 3000 })));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('profile-diff.mjs', () => {
  it('prints self time per operation by function, idle excluded, sorted by the difference', async () => {
    const { stdout } = await run(process.execPath, [SCRIPT, path.join(dir, 'a.cpuprofile'), path.join(dir, 'b'), '--ops', '10']);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe('main thread busy µs/op (profiler overhead included): A    400.0  B    600.0');
    expect(lines[2]!.split(/\s+/).filter(Boolean)).toEqual(['100.0', '300.0', '+200.0', 'set', 'koa']);
    // The bundled code matches across builds whatever its chunk is called.
    expect(lines[3]!.split(/\s+/).filter(Boolean)).toEqual(['300.0', '300.0', '+0.0', 'token', 'app']);
    expect(stdout).not.toContain('(idle)');
  });

  it('--inclusive counts a function with what it calls', async () => {
    const { stdout } = await run(process.execPath, [SCRIPT, path.join(dir, 'a.cpuprofile'), path.join(dir, 'b'), '--ops', '10', '--inclusive']);
    const token = stdout.split('\n').find((l) => l.endsWith('token app'))!;
    expect(token.split(/\s+/).filter(Boolean)).toEqual(['400.0', '600.0', '+200.0', 'token', 'app']);
  });

  it('a directory without a profile is an error naming it', async () => {
    await mkdir(path.join(dir, 'empty'), { recursive: true });
    await expect(run(process.execPath, [SCRIPT, path.join(dir, 'a.cpuprofile'), path.join(dir, 'empty')])).rejects.toThrow(`no .cpuprofile in ${path.join(dir, 'empty')}`);
  });
});
