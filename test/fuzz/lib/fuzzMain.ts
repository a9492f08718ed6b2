/**
 * `npm run fuzz [-- <generated>]`: the whole hostile corpus plus fast-check requests, 10,000
 * requests in all by default (FUZZ_SEED to replay). Exits 1 on any 5xx or finding.
 * Bundled and started by scripts/fuzz.mjs.
 */
import { writeFile } from 'node:fs/promises';
import { formatFuzzReport, runFuzz, startTarget, corpus } from './fuzz';

const total = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? process.env.FUZZ_REQUESTS ?? 10_000);
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const target = await startTarget();
let failed = true;
try {
  const generated = Math.max(0, total - corpus(target.info).length);
  console.log(`fuzz: ${total} requests against ${target.info.issuer} (pid ${target.info.pid})`);
  const report = await runFuzz(target, { generated, seed, log: (l) => console.log(l) });
  console.log(formatFuzzReport(report));
  if (process.env.FUZZ_FINDINGS) await writeFile(process.env.FUZZ_FINDINGS, JSON.stringify(report, null, 2));
  const grew = report.heapAfter - report.heapBefore;
  failed = report.fiveXx > 0 || report.findings.length > 0 || !report.serverAlive || report.serverErrors.length > 0 || grew > 64 * 1024 * 1024;
  console.log(`REQUESTS SENT ${report.sent}, 5XX SEEN ${report.fiveXx}, FINDINGS ${report.findings.length}, HEAP GROWTH ${(grew / 1024 / 1024).toFixed(1)} MB`);
} finally {
  await target.stop();
}
process.exitCode = failed ? 1 : 0;
