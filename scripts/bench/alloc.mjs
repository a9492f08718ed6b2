// Where a server allocates per flow: V8's sampling heap profiler (through the inspector), counting
// objects the garbage collector already took, so it shows allocation, not what stays. Prints KB
// allocated per flow by function (self), for one or more checkouts side by side.
//   node scripts/bench/alloc.mjs [--flows 4000] [--top 40] [--mode flow|refresh] base=/path new-off=.
import { parseArgs } from 'node:util';
import { startCheckout } from './lib/checkout.mjs';
const { values: o, positionals } = parseArgs({ allowPositionals: true, options: { flows: { type: 'string', default: '4000' }, top: { type: 'string', default: '40' }, mode: { type: 'string', default: 'flow' } } });
const N = Number(o.flows);
const { pkcePairs, runFlows, runRefresh } = await import('./lib/loadgen.mjs');
const { exitOnSignals, stopChild } = await import('./lib/proc.mjs');
exitOnSignals();

/** The inspector's WebSocket URL, from its HTTP endpoint on the port the server was given. */
async function inspector(port) {
  const list = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
  return list[0].webSocketDebuggerUrl;
}
async function session(url) {
  const ws = new WebSocket(url);
  await new Promise((r) => ws.addEventListener('open', r, { once: true }));
  let id = 0;
  const waiting = new Map();
  ws.addEventListener('message', (e) => {
    const m = JSON.parse(e.data);
    if (m.id && waiting.has(m.id)) { waiting.get(m.id)(m.result); waiting.delete(m.id); }
  });
  return { send: (method, params = {}) => new Promise((r) => { waiting.set(++id, r); ws.send(JSON.stringify({ id, method, params })); }), close: () => ws.close() };
}

const results = [];
for (const p of positionals) {
  const port = 9400 + results.length;
  const { label, srv, removeData } = await startCheckout(p, { nodeArgs: [`--inspect=127.0.0.1:${port}`] });
  const pairs = pkcePairs(N + 2000);
  const url = await inspector(port);
  const keep = [];
  await runFlows(srv.target, { concurrency: 8, maxOps: 2000, maxMs: 60_000, pairs: pairs.slice(0, 2000), keep });
  const s = await session(url);
  await s.send('HeapProfiler.enable');
  await s.send('HeapProfiler.startSampling', { samplingInterval: 512, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  // Refresh: each of N / 10 kept tokens rotated ten times (as paired.mjs does).
  const r =
    o.mode === 'refresh'
      ? await runRefresh(srv.target, { concurrency: 8, maxOps: N, maxMs: 120_000, tokens: keep.splice(0, N / 10 + 16) })
      : await runFlows(srv.target, { concurrency: 8, maxOps: N, maxMs: 120_000, pairs: pairs.slice(2000) });
  const { profile } = await s.send('HeapProfiler.stopSampling');
  s.close();
  await stopChild(srv.child);
  removeData();
  const by = new Map();
  const walk = (n) => {
    const f = n.callFrame;
    const file = f.url.replace(/.*node_modules\//, '').replace(/.*chunks\//, '').replace(/-[A-Z0-9]{8}\.js/, '');
    const k = `${f.functionName || '(anon)'} ${file.split('/').slice(-2).join('/')}`;
    by.set(k, (by.get(k) ?? 0) + n.selfSize);
    for (const c of n.children) walk(c);
  };
  walk(profile.head);
  results.push({ label, ops: r.ops, by });
}
const keys = new Set(results.flatMap((r) => [...r.by.keys()]));
const per = (r, k) => (r.by.get(k) ?? 0) / r.ops / 1024;
console.log(results.map((r) => `${r.label}: ${[...r.by.values()].reduce((a, b) => a + b, 0) / r.ops / 1024 | 0} KB/${o.mode}`).join('   '));
const last = results.at(-1), first = results[0];
const rows = [...keys].sort((a, b) => Math.abs(per(last, b) - per(first, b)) - Math.abs(per(last, a) - per(first, a)) || per(last, b) - per(last, a));
for (const k of rows.slice(0, Number(o.top))) console.log(`${results.map((r) => per(r, k).toFixed(2).padStart(7)).join(' ')}  ${k}`);
