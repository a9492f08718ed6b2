// Server CPU per flow (or refresh) of several checkouts, paired so a busy machine does not decide
// the answer: each checkout's own `authserver serve` (built by its own scripts/bench/lib) runs side
// by side with the others, and they get short c8 bursts in rotation (order reversed every round),
// so background load that comes and goes hits all alike. A label ending in "-off" serves with
// --no-flows. Prints CPU per op (user, system; all threads and the main thread alone) per checkout
// and its ratio to the first. With --prof each server runs under `node --cpu-prof`: profiles taken
// under the same load, to compare with scripts/bench/profile-diff.mjs.
// --warm N: warm-up flows (and in refresh mode as many refreshes) before the rounds; V8 goes on
// compiling lukewarm functions for ~10,000 operations, more so the more code a request runs.
//   node scripts/bench/paired.mjs [--rounds 12] [--burst 1000] [--mode flow|refresh] [--warm 4000] [--prof] [--pin] base=/path/to/checkout new=. new-off=.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startCheckout } from './lib/checkout.mjs';
const { values: o, positionals } = parseArgs({ allowPositionals: true, options: { rounds: { type: 'string', default: '12' }, burst: { type: 'string', default: '1000' }, mode: { type: 'string', default: 'flow' }, prof: { type: 'boolean', default: false }, pin: { type: 'boolean', default: false }, warm: { type: 'string', default: '4000' } } });
const W = Number(o.warm);
const R = Number(o.rounds), B = Number(o.burst);
const { pkcePairs, runFlows, runRefresh } = await import('./lib/loadgen.mjs');
const { clockTicks, exitOnSignals, onCpuMs, stopChild } = await import('./lib/proc.mjs');
exitOnSignals();
const tick = 1000 / clockTicks();
const times = (stat) => { const r = stat.slice(stat.lastIndexOf(')') + 2).split(' '); return { u: Number(r[11]) * tick, s: Number(r[12]) * tick }; };
// The process (every thread) and its main thread (the JS: the libuv pool, GC helpers and the
// kernel's fdatasync are the rest), so a difference can be told apart from disk or GC threads.
const cpu = (pid) => { const all = times(readFileSync(`/proc/${pid}/stat`, 'utf8')); const main = times(readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8')); return { ...all, mu: main.u, ms: main.s }; };
const srvs = [];
for (const p of positionals) {
  const profDir = path.resolve('bench-results', 'prof', `paired-${p.split('=')[0]}-${Date.now()}`);
  const { label, srv, removeData } = await startCheckout(p, { nodeArgs: o.prof ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`, '--cpu-prof-interval', '200'] : [] });
  const need = W + R * B * (o.mode === 'refresh' ? 0.2 : 1) + 200;
  // --pin: the servers on CPU 1, this load generator on CPU 0, so they never share or swap a core.
  if (o.pin) execFileSync('taskset', ['-a', '-p', '-c', '1', String(srv.pid)], { stdio: 'ignore' });
  srvs.push({ label, srv, removeData, profDir, pairs: pkcePairs(need), at: 0, keep: [], u: 0, s: 0, mu: 0, ms: 0, ops: 0, per: [], on: 0, onPer: [] });
}
for (const x of srvs) {
  await runFlows(x.srv.target, { concurrency: 8, maxOps: W, maxMs: 120_000, pairs: x.pairs, keep: x.keep });
  x.at = W;
  if (o.mode === 'refresh') await runRefresh(x.srv.target, { concurrency: 8, maxOps: W, maxMs: 120_000, tokens: x.keep.splice(0, W / 10 + 16) });
}
for (let r = 0; r < R; r++) {
  const order = r % 2 ? [...srvs].reverse() : srvs;
  for (const x of order) {
    const c0 = cpu(x.srv.pid);
    const n0 = onCpuMs(x.srv.pid);
    let res;
    if (o.mode === 'refresh') res = await runRefresh(x.srv.target, { concurrency: 8, maxOps: B, maxMs: 30_000, tokens: x.keep.splice(0, B / 10 + 16) });
    else { res = await runFlows(x.srv.target, { concurrency: 8, maxOps: B, maxMs: 30_000, pairs: x.pairs.slice(x.at, x.at + B) }); x.at += B; }
    const n1 = onCpuMs(x.srv.pid);
    const c1 = cpu(x.srv.pid);
    if (res.errors) console.log(x.label, 'errors', res.errors, res.firstError);
    x.u += c1.u - c0.u; x.s += c1.s - c0.s; x.mu += c1.mu - c0.mu; x.ms += c1.ms - c0.ms; x.ops += res.ops; x.on += n1 - n0; x.onPer.push(((n1 - n0) * 1000) / res.ops); x.per.push(((c1.u - c0.u + c1.s - c0.s) * 1000) / res.ops);
  }
}
for (const x of srvs) { await stopChild(x.srv.child); x.removeData(); }
// The profile covers the server's whole run: the warm-up too.
if (o.prof) for (const x of srvs) console.log(`profile ${x.label}: ${path.relative(process.cwd(), x.profDir)}/ (${W} warm-up flows${o.mode === 'refresh' ? ` and ${W} refreshes` : ''} + ${x.ops} ${o.mode === 'refresh' ? 'refreshes' : 'flows'})`);
const med = (a) => { const s = [...a].sort((p, q) => p - q); return s[s.length >> 1]; };
for (const x of srvs) {
  console.log(`${x.label.padEnd(6)} ${o.mode} µs/op: user ${((x.u * 1000) / x.ops).toFixed(0)} sys ${((x.s * 1000) / x.ops).toFixed(0)} total ${(((x.u + x.s) * 1000) / x.ops).toFixed(0)}  median burst ${med(x.per).toFixed(0)}  min ${Math.min(...x.per).toFixed(0)}  (${x.ops} ops)`);
  console.log(`${''.padEnd(6)} main thread µs/op: user ${((x.mu * 1000) / x.ops).toFixed(0)} sys ${((x.ms * 1000) / x.ops).toFixed(0)}; on a CPU (schedstat) ${((x.on * 1000) / x.ops).toFixed(1)}`);
}
const a = srvs[0];
for (const x of srvs.slice(1)) { const rs = x.per.map((v, i) => v / a.per[i]); console.log(`${x.label} / ${a.label}: total ${((x.u + x.s) / x.ops / ((a.u + a.s) / a.ops)).toFixed(3)}  median paired-burst ratio ${med(rs).toFixed(3)}  main thread ${((x.mu + x.ms) / x.ops / ((a.mu + a.ms) / a.ops)).toFixed(3)}  on a CPU ${(x.on / x.ops / (a.on / a.ops)).toFixed(3)} (median pair ${med(x.onPer.map((v, i) => v / a.onPer[i])).toFixed(3)})`); }
