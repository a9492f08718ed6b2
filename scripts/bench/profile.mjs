// Profiles AuthPlane (or oidc-provider) under the benchmark's load with `node --cpu-prof` and
// prints where the server's CPU goes: self time by function and by package/file, and inclusive
// time of the main request steps.
//
//   node scripts/bench/profile.mjs [--server authplane|oidc] [--mode flow|refresh] [--flows 4000]
//                                  [--concurrency 8] [--issuances N] [--top 40] [--no-flows]
//
// The .cpuprofile is kept in bench-results/prof/ (open it in Chrome DevTools → Performance).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildBench, ROOT } from './lib/build.mjs';
import { pkcePairs, runFlows, runRefresh } from './lib/loadgen.mjs';
import { cpuMs, exitOnSignals, runChild, stopChild } from './lib/proc.mjs';
import { startAuthPlane, startOidcProvider } from './lib/servers.mjs';

const { values: o } = parseArgs({
  options: {
    server: { type: 'string', default: 'authplane' },
    mode: { type: 'string', default: 'flow' },
    flows: { type: 'string', default: '4000' },
    concurrency: { type: 'string', default: '8' },
    issuances: { type: 'string', default: '0' },
    top: { type: 'string', default: '40' },
    // AuthPlane served with `serve --no-flows` (no flow timeline).
    'no-flows': { type: 'boolean', default: false },
  },
});
exitOnSignals();
const N = Number(o.flows);
const C = Number(o.concurrency);
const profDir = path.join(ROOT, 'bench-results', 'prof');
mkdirSync(profDir, { recursive: true });
const before = new Set(readdirSync(profDir));
const nodeArgs = ['--cpu-prof', `--cpu-prof-dir=${profDir}`, '--cpu-prof-interval', '200'];

const b = await buildBench();
const dataDir = mkdtempSync(path.join(tmpdir(), 'authplane-prof-'));
if (Number(o.issuances) > 0) {
  const r = await runChild([b.datagen, dataDir, o.issuances]);
  if (r.code !== 0) throw new Error(r.stderr);
}
const srv = o.server === 'oidc' ? await startOidcProvider({ nodeArgs }) : await startAuthPlane(b.cli, dataDir, { nodeArgs, serveArgs: o['no-flows'] ? ['--no-flows'] : [] });
const pairs = pkcePairs(N + 1000);
const keep = [];
await runFlows(srv.target, { concurrency: C, maxOps: 1000, maxMs: 10_000, pairs, keep });
const c0 = cpuMs(srv.pid);
const r =
  o.mode === 'refresh'
    ? await runRefresh(srv.target, { concurrency: C, maxOps: N, maxMs: 30_000, tokens: keep })
    : await runFlows(srv.target, { concurrency: C, maxOps: N, maxMs: 30_000, pairs: pairs.slice(1000) });
const c1 = cpuMs(srv.pid);
await stopChild(srv.child);
rmSync(dataDir, { recursive: true, force: true });
console.log(`${srv.target.name} ${o.mode} c${C}: ${r.ops} ops, ${Math.round(r.opsPerSec)}/s, server CPU ${((c1 - c0) / r.ops).toFixed(3)} ms/op (profiler overhead included), errors ${r.errors}`);

const file = readdirSync(profDir)
  .filter((f) => f.endsWith('.cpuprofile') && !before.has(f))
  .map((f) => path.join(profDir, f))
  .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
if (!file) throw new Error('no .cpuprofile was written (did the server exit cleanly?)');
console.log(`profile: ${path.relative(ROOT, file)}`);
summarize(JSON.parse(readFileSync(file, 'utf8')), Number(o.top));

function summarize(prof, top) {
  const nodes = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  const dts = prof.timeDeltas;
  for (let i = 0; i < prof.samples.length; i++) self.set(prof.samples[i], (self.get(prof.samples[i]) ?? 0) + (dts[i] ?? 0));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const label = (n) => {
    const cf = n.callFrame;
    const url = cf.url.replace(/^file:\/\//, '').replace(ROOT, '');
    return `${cf.functionName || '(anonymous)'} ${url ? `${url}:${cf.lineNumber + 1}` : ''}`.trim();
  };
  const area = (n) => {
    const url = n.callFrame.url.replace(/^file:\/\//, '');
    if (!url) return n.callFrame.functionName.startsWith('(') ? n.callFrame.functionName : '(native)';
    if (url.startsWith('node:')) return url.split('/')[0] === 'node:internal' ? url.split('/').slice(0, 3).join('/') : url;
    const nm = url.lastIndexOf('node_modules/');
    if (nm >= 0) return url.slice(nm + 13).split('/').slice(0, url.slice(nm + 13).startsWith('@') ? 2 : 1).join('/');
    return url.replace(ROOT, '');
  };
  const pct = (t) => `${((100 * t) / total).toFixed(1).padStart(5)}%`;
  const byFn = new Map();
  const byArea = new Map();
  for (const [id, t] of self) {
    const n = nodes.get(id);
    byFn.set(label(n), (byFn.get(label(n)) ?? 0) + t);
    byArea.set(area(n), (byArea.get(area(n)) ?? 0) + t);
  }
  // Inclusive time per function label (counted once per sample even when recursive).
  const incl = new Map();
  for (let i = 0; i < prof.samples.length; i++) {
    const seen = new Set();
    for (let id = prof.samples[i]; id !== undefined; id = parent.get(id)) {
      const l = label(nodes.get(id));
      if (seen.has(l)) continue;
      seen.add(l);
      incl.set(l, (incl.get(l) ?? 0) + (dts[i] ?? 0));
    }
  }
  const show = (title, m, k) => {
    console.log(`\n${title}`);
    for (const [l, t] of [...m].sort((a, b) => b[1] - a[1]).slice(0, k)) console.log(`${pct(t)}  ${l}`);
  };
  show('self time by package / file', byArea, 25);
  show('self time by function', byFn, top);
  show('inclusive time by function', incl, top);
}
