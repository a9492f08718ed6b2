// Memory and start time of the live refresh families (issue 13): bundles scripts/bench/ts/families.ts
// and runs it with --expose-gc; prints its JSON line.
//   node scripts/bench/families.mjs [--families 100000] [--rotations 3]
import { spawnSync } from 'node:child_process';
import { buildBench } from './lib/build.mjs';

const b = await buildBench();
const r = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=8192', b.families, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
