// Per-thread CPU of the server under load: where does CPU per op go (main thread, libuv pool, GC, kernel)?
//   node scripts/bench/threads.mjs [--mode flow|refresh] [--durability fsync|os] [--ops 6000] [--no-flows]
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildBench } from './lib/build.mjs';
import { pkcePairs, runFlows, runRefresh } from './lib/loadgen.mjs';
import { clockTicks, exitOnSignals, stopChild } from './lib/proc.mjs';
import { startAuthPlane, startAuthPlaneWith, startFlowFloor, startOidcProvider } from './lib/servers.mjs';

const { values: o } = parseArgs({ options: { mode: { type: 'string', default: 'flow' }, durability: { type: 'string', default: 'fsync' }, ops: { type: 'string', default: '6000' }, server: { type: 'string', default: 'authplane' }, 'no-flows': { type: 'boolean', default: false } } });
exitOnSignals();
const N = Number(o.ops);
const tick = 1000 / clockTicks();
function threads(pid) {
  const out = {};
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    const stat = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8');
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const k = `${name}:${t}`;
    out[k] ??= { user: 0, sys: 0 };
    out[k].user += Number(f[11]) * tick;
    out[k].sys += Number(f[12]) * tick;
  }
  return out;
}
const b = await buildBench();
const dataDir = mkdtempSync(path.join(tmpdir(), 'authplane-thr-'));
const srv = o.server === 'oidc' ? await startOidcProvider() : o.server === 'floor' ? await startFlowFloor(dataDir, o.durability) : o.durability === 'fsync' ? await startAuthPlane(b.cli, dataDir, o['no-flows'] ? { serveArgs: ['--no-flows'] } : {}) : await startAuthPlaneWith(b.apserver, dataDir, o.durability);
const pairs = pkcePairs(N + 6000);
const keep = [];
await runFlows(srv.target, { concurrency: 8, maxOps: 5000, maxMs: 20_000, pairs, keep });
if (o.mode === 'refresh') await runRefresh(srv.target, { concurrency: 8, maxOps: 2000, maxMs: 20_000, tokens: keep.splice(0, 500) });
const t0 = threads(srv.pid);
const r = o.mode === 'refresh' ? await runRefresh(srv.target, { concurrency: 8, maxOps: N, maxMs: 30_000, tokens: keep }) : await runFlows(srv.target, { concurrency: 8, maxOps: N, maxMs: 30_000, pairs: pairs.slice(6000) });
const t1 = threads(srv.pid);
await stopChild(srv.child);
rmSync(dataDir, { recursive: true, force: true });
console.log(`${srv.target.name} ${o.mode} c8: ${r.ops} ops, ${Math.round(r.opsPerSec)}/s, errors ${r.errors}`);
let tu = 0, ts = 0;
for (const [k, v] of Object.entries(t1)) {
  const u = ((v.user - (t0[k]?.user ?? 0)) * 1000) / r.ops, s = ((v.sys - (t0[k]?.sys ?? 0)) * 1000) / r.ops;
  tu += u; ts += s;
  if (u + s > 1) console.log(`  ${k.padEnd(18)} user ${u.toFixed(0).padStart(5)} µs  sys ${s.toFixed(0).padStart(5)} µs`);
}
console.log(`  ${'total'.padEnd(18)} user ${tu.toFixed(0).padStart(5)} µs  sys ${ts.toFixed(0).padStart(5)} µs  = ${(tu + ts).toFixed(0)} µs/op`);
