// Where two builds' CPU differs: the main thread's busy time of two .cpuprofile files (best taken
// under the same load: `paired.mjs --prof`), per function, as µs per operation, sorted by the
// difference. Functions are keyed by name and package (or "app" for the bundled code, whose chunk
// names change from build to build), so the same code matches across builds.
//   node scripts/bench/profile-diff.mjs A.cpuprofile|dir B.cpuprofile|dir [--ops 20000] [--inclusive] [--top 60]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values: o, positionals } = parseArgs({ allowPositionals: true, options: { ops: { type: 'string', default: '20000' }, inclusive: { type: 'boolean', default: false }, top: { type: 'string', default: '60' } } });
if (positionals.length !== 2) throw new Error('usage: profile-diff.mjs A.cpuprofile B.cpuprofile [--ops N] [--inclusive] [--top N]');
const ops = Number(o.ops);

/** A .cpuprofile, or the newest one in a directory (paired.mjs --prof writes one per server). */
function profileFile(p) {
  if (!statSync(p).isDirectory()) return p;
  const files = readdirSync(p).filter((f) => f.endsWith('.cpuprofile'));
  if (!files.length) throw new Error(`no .cpuprofile in ${p}`);
  return path.join(p, files.sort().at(-1));
}

function keyOf(callFrame) {
  const url = callFrame.url;
  const nm = url.lastIndexOf('node_modules/');
  const where = nm >= 0 ? url.slice(nm + 13).split('/')[0] : url.startsWith('node:') ? url : url ? 'app' : '';
  return `${callFrame.functionName || '(anonymous)'} ${where}`.trim();
}

/** Busy µs (idle excluded) per function key: self time, or inclusive (counted once per sample). */
function load(file) {
  const p = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const time = new Map();
  let busy = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const node = byId.get(p.samples[i]);
    if (node.callFrame.functionName === '(idle)') continue;
    const dt = p.timeDeltas[i] ?? 0;
    busy += dt;
    if (!o.inclusive) {
      const k = keyOf(node.callFrame);
      time.set(k, (time.get(k) ?? 0) + dt);
      continue;
    }
    const seen = new Set();
    for (let id = node.id; id !== undefined; id = parent.get(id)) {
      const k = keyOf(byId.get(id).callFrame);
      if (seen.has(k)) continue;
      seen.add(k);
      time.set(k, (time.get(k) ?? 0) + dt);
    }
  }
  return { time, busy };
}

const [a, b] = positionals.map((p) => load(profileFile(p)));
const per = (t) => (t / ops).toFixed(1).padStart(8);
console.log(`main thread busy µs/op (profiler overhead included): A ${per(a.busy)}  B ${per(b.busy)}`);
console.log(`${'A'.padStart(8)} ${'B'.padStart(8)} ${'B-A'.padStart(8)}  ${o.inclusive ? 'inclusive' : 'self'} time of`);
const rows = [...new Set([...a.time.keys(), ...b.time.keys()])].map((k) => [k, a.time.get(k) ?? 0, b.time.get(k) ?? 0]);
rows.sort((x, y) => Math.abs(y[2] - y[1]) - Math.abs(x[2] - x[1]));
const signed = (t) => `${t >= 0 ? '+' : ''}${(t / ops).toFixed(1)}`.padStart(8);
for (const [k, ta, tb] of rows.slice(0, Number(o.top))) console.log(`${per(ta)} ${per(tb)} ${signed(tb - ta)}  ${k}`);
