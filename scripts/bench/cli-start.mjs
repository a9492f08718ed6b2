// CLI start-up, hyperfine style: each command run N times as a fresh process, median wall time
// (spawn → exit) printed beside `node -e 0` (what any Node CLI pays before its first line), and
// the mean CPU time of the child (user + system, from this process's cutime/cstime), which a busy
// machine disturbs far less than wall time. The data dir is empty and no server runs: `admin
// issuance list` then reads the store's offline path.
//
//   node scripts/bench/cli-start.mjs [--reps 21] [--build-dir DIR]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BUILD_DIR, buildBench } from './lib/build.mjs';
import { readFileSync } from 'node:fs';
import { clockTicks, runChild } from './lib/proc.mjs';
import { fmt, median, textTable } from './lib/stats.mjs';

const { values: argv } = parseArgs({ options: { reps: { type: 'string', default: '21' }, 'build-dir': { type: 'string' } } });
const reps = Number(argv.reps);
const b = await buildBench(argv['build-dir'] ?? BUILD_DIR);
const dir = mkdtempSync(path.join(tmpdir(), 'authplane-cli-start-'));
const env = { ...process.env };
delete env.AUTHPLANE_DATA_DIR;
delete env.NODE_OPTIONS;

const cases = [
  ['node -e 0', ['-e', '0']],
  ['authserver --version', [b.cli, '--version']],
  ['authserver admin issuance list', [b.cli, 'admin', 'issuance', 'list', '--data-dir', dir]],
  ['authserver admin issuance list --json', [b.cli, 'admin', 'issuance', 'list', '--data-dir', dir, '--json']],
  ['authserver admin status', [b.cli, 'admin', 'status', '--data-dir', dir]],
  ['authserver --help', [b.cli, '--help']],
];
/** CPU ms used so far by this process's waited-for children (cutime + cstime). */
function childrenCpuMs() {
  const rest = readFileSync('/proc/self/stat', 'utf8');
  const f = rest.slice(rest.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[13]) + Number(f[14])) * 1000) / clockTicks();
}
const ms = new Map(cases.map(([name]) => [name, []]));
const cpu = new Map(cases.map(([name]) => [name, 0]));
// Interleaved, so a burst of load elsewhere hits every command alike.
for (let i = 0; i < reps; i++) {
  for (const [name, args] of cases) {
    const c0 = childrenCpuMs();
    const r = await runChild(args, { env });
    if (r.code !== 0) throw new Error(`${name} failed: ${r.stderr}`);
    ms.get(name).push(r.ms);
    cpu.set(name, cpu.get(name) + childrenCpuMs() - c0);
  }
}
const base = median(ms.get('node -e 0'));
const baseCpu = cpu.get('node -e 0') / reps;
const table = [['command (no server, empty data dir)', 'wall ms (median)', 'over node -e 0', 'CPU ms (mean)', 'over node -e 0']];
for (const [name] of cases) {
  const c = cpu.get(name) / reps;
  const first = name === 'node -e 0';
  table.push([name, fmt(median(ms.get(name))), first ? '' : `+${fmt(median(ms.get(name)) - base)}`, fmt(c), first ? '' : `+${fmt(c - baseCpu)}`]);
}
console.log(textTable(table, ['l']));
console.log(`${reps} runs each, interleaved; load average ${(await import('node:os')).loadavg()[0].toFixed(1)}`);
rmSync(dir, { recursive: true, force: true });
