/**
 * `npm run soak`: the kill -9 crash test for many rounds (default 50; `npm run soak -- 200`,
 * or SOAK_ROUNDS). Prints rounds survived and rows lost; then the flow timeline's memory check
 * (SOAK_FLOWS rounds, default 3000): heap after GC stops growing once the timeline is full.
 * Exits 1 if any round failed or the memory check did.
 * Bundled and started by scripts/soak.mjs.
 */
import { buildCli, removeBuild } from '../../cli/helpers';
import { formatCrashReport, runCrashRounds } from './crash';
import { runFlowMemorySoak } from './flowMemory';

const arg = process.argv.slice(2).find((a) => /^\d+$/.test(a));
const rounds = Number(arg ?? process.env.SOAK_ROUNDS ?? 50);
const seed = process.env.SOAK_SEED ? Number(process.env.SOAK_SEED) : undefined;
const cli = await buildCli();
try {
  const t0 = Date.now();
  console.log(`soak: ${rounds} rounds of kill -9 under 16 concurrent OAuth flows`);
  const report = await runCrashRounds({ cli, rounds, seed, log: (l) => console.log(l) });
  console.log('');
  console.log(formatCrashReport(report));
  console.log(`  took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`ROUNDS SURVIVED ${report.survived}/${report.rounds}, ROWS LOST ${report.rowsLost}`);
  const flowRounds = Number(process.env.SOAK_FLOWS ?? 3000);
  console.log(`\nsoak: flow timeline memory, ${flowRounds} rounds (code flow + refresh, client_credentials, failing requests with 32 KB bodies)`);
  const mem = await runFlowMemorySoak({ rounds: flowRounds, log: (l) => console.log(l) });
  for (const p of mem.problems) console.log(`  PROBLEM ${p}`);
  console.log(`FLOW TIMELINE HEAP GROWTH ${mem.growthMB.toFixed(1)} MB, BUFFERS ${mem.buffersGrowthMB.toFixed(1)} MB after the cap (${mem.ok ? 'bounded' : 'NOT bounded'})`);
  process.exitCode = report.failures.length === 0 && report.survived === report.rounds && mem.ok ? 0 : 1;
} finally {
  await removeBuild(cli);
}
