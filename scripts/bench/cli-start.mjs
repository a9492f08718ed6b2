// CLI start-up, hyperfine style: each command run N times as a fresh process, median wall time
// (spawn → exit) printed beside `node -e 0` (what any Node CLI pays before its first line). The
// data dir is empty and no server runs: `admin issuance list` then reads the store's offline path.
//
//   node scripts/bench/cli-start.mjs [--reps 21] [--build-dir DIR]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BUILD_DIR, buildBench } from './lib/build.mjs';
import { runChild } from './lib/proc.mjs';
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
const ms = new Map(cases.map(([name]) => [name, []]));
// Interleaved, so a burst of load elsewhere hits every command alike.
for (let i = 0; i < reps; i++) {
  for (const [name, args] of cases) {
    const r = await runChild(args, { env });
    if (r.code !== 0) throw new Error(`${name} failed: ${r.stderr}`);
    ms.get(name).push(r.ms);
  }
}
const base = median(ms.get('node -e 0'));
const table = [['command (no server, empty data dir)', 'ms (median)', 'over node -e 0']];
for (const [name] of cases) table.push([name, fmt(median(ms.get(name))), name === 'node -e 0' ? '' : `+${fmt(median(ms.get(name)) - base)}`]);
console.log(textTable(table, ['l']));
console.log(`${reps} runs each, interleaved; load average ${(await import('node:os')).loadavg()[0].toFixed(1)}`);
rmSync(dir, { recursive: true, force: true });
