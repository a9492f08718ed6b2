// What the garbage collector does per flow in several servers, from V8's --trace-gc-nvp: bytes
// allocated, bytes that survived a scavenge (copied) and bytes promoted to the old generation,
// and the pause time. The byte counts depend on the code, not on how busy the machine is; pause
// times do. Same rotation as paired.mjs; a label ending in "-off" serves with --no-flows.
//   node scripts/bench/gc.mjs [--rounds 10] [--burst 1000] [--mode flow|refresh] on=. off-off=.
import { parseArgs } from 'node:util';
import { startCheckout } from './lib/checkout.mjs';
const { values: o, positionals } = parseArgs({ allowPositionals: true, options: { rounds: { type: 'string', default: '10' }, burst: { type: 'string', default: '1000' }, mode: { type: 'string', default: 'flow' } } });
const R = Number(o.rounds), B = Number(o.burst);
const { pkcePairs, runFlows, runRefresh } = await import('./lib/loadgen.mjs');
const { exitOnSignals, stopChild } = await import('./lib/proc.mjs');
exitOnSignals();
const FIELDS = ['pause', 'allocated', 'new_space_survived', 'promoted'];
const field = (line, name) => Number(new RegExp(` ${name}=([\\d.]+)`).exec(line)?.[1] ?? 0);
const srvs = [];
for (const p of positionals) {
  const { label, srv, removeData } = await startCheckout(p, { nodeArgs: ['--trace-gc-nvp'] });
  const x = { label, srv, removeData, pairs: pkcePairs(4000 + R * B + 200), keep: [], at: 0, counting: false, sum: Object.fromEntries(FIELDS.map((f) => [f, 0])), kinds: {}, ops: 0 };
  let buf = '';
  srv.child.stdout.on('data', (d) => {
    buf += d;
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      const kind = / gc=(\w+)/.exec(line)?.[1];
      if (kind && x.counting) {
        for (const f of FIELDS) x.sum[f] += field(line, f);
        x.kinds[kind] = (x.kinds[kind] ?? 0) + 1;
      }
    }
  });
  srvs.push(x);
}
for (const x of srvs) { await runFlows(x.srv.target, { concurrency: 8, maxOps: 4000, maxMs: 60_000, pairs: x.pairs, keep: x.keep }); x.at = 4000; x.counting = true; }
for (let r = 0; r < R; r++) {
  for (const x of r % 2 ? [...srvs].reverse() : srvs) {
    // A refresh burst rotates each of B / 10 kept tokens ten times (as paired.mjs does).
    const res =
      o.mode === 'refresh'
        ? await runRefresh(x.srv.target, { concurrency: 8, maxOps: B, maxMs: 60_000, tokens: x.keep.splice(0, B / 10 + 16) })
        : await runFlows(x.srv.target, { concurrency: 8, maxOps: B, maxMs: 60_000, pairs: x.pairs.slice(x.at, x.at + B) });
    x.at += B;
    x.ops += res.ops;
  }
}
await new Promise((r) => setTimeout(r, 300));
for (const x of srvs) {
  const per = (f) => x.sum[f] / x.ops;
  const kinds = Object.entries(x.kinds).map(([k, n]) => `${n}× ${k}`).join(', ');
  console.log(`${x.label.padEnd(8)} per ${o.mode}: allocated ${(per('allocated') / 1024).toFixed(1)} KB, survived ${per('new_space_survived').toFixed(0)} B, promoted ${per('promoted').toFixed(0)} B, pause ${(per('pause') * 1000).toFixed(1)} µs  (${kinds}; ${x.ops} ${o.mode === 'refresh' ? 'refreshes' : 'flows'})`);
  await stopChild(x.srv.child);
  x.removeData();
}
