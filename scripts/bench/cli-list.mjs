// `authserver admin issuance list --limit 50` as a process with no server, on a generated data
// dir: the scale section's "CLI, no server" column alone (minutes faster than `run.mjs --only scale`,
// which also times serve and flows). Prints one line per filter, wall time spawn → exit.
//
//   node scripts/bench/cli-list.mjs [--rows 1000000] [--reps 5] [--data-dir DIR] [--build-dir DIR]
//
// --data-dir reuses (or generates once into) DIR; --build-dir bundles the CLI there.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BUILD_DIR, buildBench } from './lib/build.mjs';
import { listFilters } from './lib/listFilters.mjs';
import { runChild } from './lib/proc.mjs';
import { fmt, median, textTable } from './lib/stats.mjs';

const { values: argv } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, reps: { type: 'string', default: '5' }, 'data-dir': { type: 'string' }, 'build-dir': { type: 'string' } } });
const rows = Number(argv.rows);
const reps = Number(argv.reps);
const b = await buildBench(argv['build-dir'] ?? BUILD_DIR);
const dir = argv['data-dir'] ?? mkdtempSync(path.join(tmpdir(), 'authplane-cli-list-'));
if (!existsSync(path.join(dir, 'issuances'))) {
  const g = await runChild([b.datagen, dir, String(rows)], { timeoutMs: 600_000 });
  if (g.code !== 0) throw new Error(`datagen failed: ${g.stderr}`);
}
const filters = listFilters(dir);
const env = { ...process.env };
delete env.AUTHPLANE_DATA_DIR;
delete env.NODE_OPTIONS;
const time = async (args) => {
  const ms = [];
  let out = '';
  for (let i = 0; i < reps; i++) {
    const r = await runChild(args, { env });
    if (r.code !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
    ms.push(r.ms);
    out = r.stdout;
  }
  return { ms: median(ms), out };
};
const table = [['issuance list --limit 50 (no server)', 'ms (median)', 'rows']];
table.push(['node -e 0', fmt((await time(['-e', '0'])).ms), '']);
table.push(['authserver --version', fmt((await time([b.cli, '--version'])).ms), '']);
for (const [name, args] of filters) {
  const r = await time([b.cli, 'admin', 'issuance', 'list', '--data-dir', dir, '--limit', '50', '--since', '30d', '--json', ...args]);
  table.push([name, fmt(r.ms), String(JSON.parse(r.out).issuances.length)]);
}
console.log(textTable(table, ['l']));
if (!argv['data-dir']) rmSync(dir, { recursive: true, force: true });
