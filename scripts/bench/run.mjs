// `npm run bench`: AuthPlane against node-oidc-provider and against this machine's floor.
// Prints a table and writes bench-results/bench-<time>.json, latest.json and latest.md.
// What every number means: BENCHMARKS.md.
//
//   node scripts/bench/run.mjs [--rounds 3] [--only flows,refresh,floor,scale,sdk,register,demo,flowrec] [--quick]
//
// Every server is a separate child process on 127.0.0.1; its CPU is read from /proc/<pid>/stat,
// so the load generator (this process) never counts against it. Runs alternate between servers
// (the starting server rotates every round) and every reported figure is the median of the rounds.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import { request } from 'undici';
import { buildBench, ROOT } from './lib/build.mjs';
import { pkcePairs, runFlows, runGets, runRefresh } from './lib/loadgen.mjs';
import { cpuMs, exitOnSignals, memMB, runChild, stopChild } from './lib/proc.mjs';
import { startAuthPlane, startAuthPlaneWith, startFlowFloor, startKoaFloor, startOidcProvider } from './lib/servers.mjs';
import { fmt, mdTable, median, medianOf, textTable } from './lib/stats.mjs';
import { demoReady } from './lib/demo.mjs';
import { listFilters } from './lib/listFilters.mjs';
import { benchRegister } from './lib/register.mjs';
import { benchFlowRecording } from './lib/flowRecording.mjs';

const { values: argv } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    only: { type: 'string' },
    quick: { type: 'boolean', default: false },
  },
});
const QUICK = argv.quick;
const ROUNDS = QUICK ? 1 : Math.max(1, Number(argv.rounds));
const ONLY = argv.only ? new Set(argv.only.split(',')) : undefined;
const want = (part) => !ONLY || ONLY.has(part);
const SCALE_SIZES = QUICK ? [0, 10_000, 100_000] : [0, 100_000, 1_000_000];
const BIG = SCALE_SIZES.at(-1);

// Run bounds: count and time, whichever comes first.
const B = QUICK
  ? { warm: [1500, 4000], c1: [400, 1000], c8: [2000, 1500], c32: [2000, 1500], refresh: [2000, 1500], koa: [5000, 1000], scale: [2000, 1500], warmScale: [1000, 3000] }
  : { warm: [5000, 10_000], c1: [1500, 2000], c8: [8000, 3000], c32: [8000, 3000], refresh: [8000, 3000], koa: [20_000, 2000], scale: [5000, 2000], warmScale: [3000, 6000] };

const t0 = performance.now();
const log = (msg) => process.stderr.write(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(3)}s] ${msg}\n`);
const tmp = (p) => mkdtempSync(path.join(os.tmpdir(), `authplane-bench-${p}-`));
const cleanup = [];
const result = { meta: {}, floor: {}, flows: {}, refresh: {}, scale: {}, sdk: {}, register: {}, demo: {}, flowrec: {}, targets: [] };

function machine() {
  const cpus = os.cpus();
  let fsType = '';
  try {
    fsType = execFileSync('df', ['-T', os.tmpdir()], { encoding: 'utf8' }).split('\n')[1]?.split(/\s+/)[1] ?? '';
  } catch {
    /* not fatal */
  }
  return {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    cpu: cpus[0]?.model?.trim() ?? 'unknown',
    cores: cpus.length,
    memGB: Math.round(os.totalmem() / 2 ** 30),
    tmpdirFs: fsType,
    loadavgStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
    quick: QUICK,
    rounds: ROUNDS,
  };
}

/** Runs `fn` for a server and returns the load summary plus the server's CPU per op. */
async function measured(srv, fn) {
  const c0 = cpuMs(srv.pid);
  const cc0 = process.cpuUsage();
  const r = await fn();
  const cc = process.cpuUsage(cc0);
  const serverCpu = cpuMs(srv.pid) - c0;
  if (r.errors) throw new Error(`${srv.target?.name ?? 'server'}: ${r.errors} failed requests, first: ${r.firstError}`);
  return { opsPerSec: r.opsPerSec, p50: r.p50, p99: r.p99, ops: r.ops, serverCpuMsPerOp: serverCpu / r.ops, clientCpuMsPerOp: (cc.user + cc.system) / 1000 / r.ops, errors: r.errors, familiesUsed: r.familiesUsed };
}

// ---- head to head: AuthPlane vs node-oidc-provider ------------------------------------------

async function headToHead(b) {
  log('head to head: starting AuthPlane (serve, fsync), AuthPlane (durability os) and oidc-provider');
  const apDir = tmp('h2h');
  const osDir = tmp('h2h-os');
  const floorDir = tmp('h2h-floor');
  cleanup.push(apDir, osDir, floorDir);
  const servers = [
    { key: 'authplane', label: 'AuthPlane (default: fsync)', srv: await startAuthPlane(b.cli, apDir) },
    { key: 'oidc', label: 'node-oidc-provider', srv: await startOidcProvider() },
    { key: 'authplane_os', label: 'AuthPlane (durability os)', srv: await startAuthPlaneWith(b.apserver, osDir, 'os') },
    // The same work with no framework, no validation, no logs: what any durable server pays here.
    { key: 'floor', label: 'flow floor (node:http, fsync)', srv: await startFlowFloor(floorDir, 'fsync') },
  ];
  const perRun = Math.max(B.c1[0], B.c8[0], B.c32[0]);
  const pairs = pkcePairs(B.warm[0] + perRun * 2);
  let pairAt = 0;
  const nextPairs = (n) => {
    // Codes are single-use, PKCE pairs may repeat across servers and runs: slide a window.
    if (pairAt + n > pairs.length) pairAt = 0;
    const p = pairs.slice(pairAt, pairAt + n);
    pairAt += n;
    return p;
  };
  for (const s of servers) {
    s.tokens = [];
    s.runs = { c1: [], c8: [], c32: [], refresh: [] };
    log(`  warm-up ${s.label}`);
    const wf = await runFlows(s.srv.target, { concurrency: 8, maxOps: B.warm[0], maxMs: B.warm[1], pairs: nextPairs(B.warm[0]), keep: s.tokens });
    const rr = await runRefresh(s.srv.target, { concurrency: 8, maxOps: Math.min(2000, B.warm[0]), maxMs: B.warm[1] / 2, tokens: s.tokens });
    s.tokens.splice(0, rr.familiesUsed);
    s.totals = { flows: wf.ops, refreshes: rr.ops };
  }
  const plan = [
    ['c1', 1, B.c1, ['authplane', 'oidc', 'authplane_os', 'floor']],
    ['c8', 8, B.c8, ['authplane', 'oidc', 'authplane_os', 'floor']],
    ['c32', 32, B.c32, ['authplane', 'oidc']],
  ];
  for (let round = 0; round < ROUNDS; round++) {
    log(`  round ${round + 1}/${ROUNDS}`);
    for (const [name, conc, [maxOps, maxMs], keys] of plan) {
      const order = rotate(servers.filter((s) => keys.includes(s.key)), round);
      for (const s of order) {
        s.runs[name].push(await measured(s.srv, () => runFlows(s.srv.target, { concurrency: conc, maxOps, maxMs, pairs: nextPairs(maxOps), keep: s.tokens })));
      }
    }
    for (const s of rotate(servers, round)) {
      const r = await measured(s.srv, () => runRefresh(s.srv.target, { concurrency: 8, maxOps: B.refresh[0], maxMs: B.refresh[1], tokens: s.tokens }));
      s.tokens.splice(0, r.familiesUsed);
      s.runs.refresh.push(r);
    }
  }
  for (const s of servers) {
    const mem = memMB(s.srv.pid);
    const total = (runs) => runs.reduce((a, r) => a + r.ops, 0);
    s.totals.flows += total(s.runs.c1) + total(s.runs.c8) + total(s.runs.c32);
    s.totals.refreshes += total(s.runs.refresh);
    result.flows[s.key] = { label: s.label, peakRssMB: mem.peak, totals: s.totals, ...Object.fromEntries(['c1', 'c8', 'c32'].filter((c) => s.runs[c].length).map((c) => [c, medianOf(s.runs[c])])) };
    result.refresh[s.key] = { label: s.label, c8: medianOf(s.runs.refresh) };
    await stopChild(s.srv.child);
  }
}

function rotate(list, k) {
  const n = list.length;
  return list.map((_, i) => list[(i + k) % n]);
}

// ---- floor: one ES256 signature, one bare Koa request ----------------------------------------

async function floor(b) {
  log('floor: ES256 signature and SDK verification (in-process), bare Koa request');
  const micro = await runChild([b.micro, '--ms', QUICK ? '400' : '1500'], { timeoutMs: 120_000 });
  if (micro.code !== 0) throw new Error(`micro benchmark failed: ${micro.stderr}`);
  const m = JSON.parse(micro.stdout.trim().split('\n').at(-1));
  result.sdk = m.sdk;
  const koa = await startKoaFloor();
  await runGets(koa.origin, '/', { concurrency: 8, maxOps: B.koa[0], maxMs: B.koa[1] });
  const runs = [];
  for (let i = 0; i < ROUNDS; i++) runs.push(await measured({ pid: koa.pid }, () => runGets(koa.origin, '/', { concurrency: 8, maxOps: B.koa[0], maxMs: B.koa[1] })));
  await stopChild(koa.child);
  const k = medianOf(runs);
  result.floor = {
    es256SignUs: m.floor.es256SignUs,
    koaRequestUs: k.serverCpuMsPerOp * 1000,
    koaRequestsPerSec: k.opsPerSec,
    perFlowUs: m.floor.es256SignUs + 2 * k.serverCpuMsPerOp * 1000,
  };
}

// ---- scale: 0 / 100k / 1M stored issuances ---------------------------------------------------

async function scale(b) {
  const dirs = {};
  result.scale.generate = {};
  for (const n of SCALE_SIZES) {
    const dir = tmp(`scale-${n}`);
    cleanup.push(dir);
    dirs[n] = dir;
    if (n > 0) {
      log(`scale: generating ${n.toLocaleString('en-US')} issuances`);
      const g = await runChild([b.datagen, dir, String(n)], { timeoutMs: 300_000 });
      if (g.code !== 0) throw new Error(`datagen failed: ${g.stderr}`);
      result.scale.generate[n] = JSON.parse(g.stdout.trim());
    }
  }

  // Time to ready and RSS with BIG issuances: `serve` on the data dir as generated (seeded once
  // first, so the start measured is a plain restart), and again after the flow runs below.
  const readyRuns = async () => {
    const runs = [];
    for (let i = 0; i < Math.max(3, ROUNDS); i++) {
      const srv = await startAuthPlane(b.cli, dirs[BIG], { seed: false });
      const mem = memMB(srv.pid);
      // RSS once start-up garbage is collectable: after a moment of idling.
      await new Promise((r) => setTimeout(r, 300));
      runs.push({ ms: srv.readyMs, rssAtReadyMB: mem.rss, rssAfterMB: memMB(srv.pid).rss });
      await stopChild(srv.child);
    }
    return medianOf(runs);
  };
  log(`scale: serve time-to-ready with ${BIG.toLocaleString('en-US')} issuances`);
  await stopChild((await startAuthPlane(b.cli, dirs[BIG])).child);
  result.scale.ready = { issuances: BIG, ...(await readyRuns()) };

  log('scale: per-flow cost (c8) with ' + SCALE_SIZES.map((n) => n.toLocaleString('en-US')).join(' / ') + ' issuances stored');
  const servers = [];
  for (const n of SCALE_SIZES) servers.push({ n, srv: await startAuthPlane(b.cli, dirs[n]), runs: [] });
  const pairs = pkcePairs(B.scale[0] * 2);
  let flowsRun = 0;
  for (const s of servers) {
    const w = await runFlows(s.srv.target, { concurrency: 8, maxOps: B.warmScale[0], maxMs: B.warmScale[1], pairs: pairs.slice(0, B.warmScale[0]) });
    if (s.n === BIG) flowsRun += w.ops;
  }
  const scaleRounds = QUICK ? 1 : ROUNDS + 2;
  for (let round = 0; round < scaleRounds; round++) {
    for (const s of rotate(servers, round)) {
      const slice = pairs.slice(((round + 1) % 2) * B.scale[0], ((round + 1) % 2) * B.scale[0] + B.scale[0]);
      const r = await measured(s.srv, () => runFlows(s.srv.target, { concurrency: 8, maxOps: B.scale[0], maxMs: B.scale[1], pairs: slice }));
      s.runs.push(r);
      if (s.n === BIG) flowsRun += r.ops;
    }
  }
  result.scale.perFlow = {};
  for (const s of servers) {
    result.scale.perFlow[s.n] = { ...medianOf(s.runs), peakRssMB: memMB(s.srv.pid).peak };
    await stopChild(s.srv.child);
  }
  log(`scale: serve time-to-ready again, after ${flowsRun.toLocaleString('en-US')} more flows (as many refresh families)`);
  result.scale.readyAfterUse = { issuances: BIG + flowsRun, families: flowsRun, ...(await readyRuns()) };

  // `issuance list --limit 50` with filters: no server (the CLI opens the store itself), then
  // through a running server (the CLI calls its admin API), then the admin API alone.
  log(`scale: issuance list --limit 50 with ${BIG.toLocaleString('en-US')} issuances`);
  const filters = listFilters(dirs[BIG]);

  const reps = QUICK ? 2 : 3;
  const cli = (args) => runChild([b.cli, 'admin', 'issuance', 'list', '--data-dir', dirs[BIG], '--limit', '50', '--since', '30d', '--json', ...args], { env: cleanEnv() });
  const timeCli = async (args) => {
    const ms = [];
    let rows = 0;
    for (let i = 0; i < reps; i++) {
      const r = await cli(args);
      if (r.code !== 0) throw new Error(`issuance list ${args.join(' ')} failed: ${r.stderr}`);
      ms.push(r.ms);
      rows = JSON.parse(r.stdout).issuances.length;
    }
    return { ms: median(ms), rows };
  };
  const baseline = [];
  for (let i = 0; i < reps; i++) baseline.push((await runChild(['-e', '0'])).ms);
  const version = [];
  for (let i = 0; i < reps; i++) version.push((await runChild([b.cli, '--version'])).ms);
  result.scale.list = { issuances: BIG, nodeStartMs: median(baseline), cliVersionMs: median(version), direct: {}, viaServer: {}, api: {} };
  for (const [name, args] of filters) result.scale.list.direct[name] = await timeCli(args);
  const srv = await startAuthPlane(b.cli, dirs[BIG], { seed: false });
  const token = readFileSync(path.join(dirs[BIG], 'admin-token'), 'utf8').trim();
  for (const [name, args] of filters) {
    result.scale.list.viaServer[name] = await timeCli(args);
    const qs = new URLSearchParams({ limit: '50' });
    for (let i = 0; i < args.length; i += 2) qs.set(args[i].slice(2), args[i + 1]);
    const ms = [];
    for (let i = 0; i < reps * 3; i++) {
      const s = performance.now();
      const res = await request(`${srv.target.origin}/admin/api/issuances?${qs}`, { headers: { authorization: `Bearer ${token}` } });
      await res.body.text();
      if (res.statusCode !== 200) throw new Error(`GET /admin/api/issuances?${qs} answered ${res.statusCode}`);
      ms.push(performance.now() - s);
    }
    result.scale.list.api[name] = { ms: median(ms) };
  }
  await stopChild(srv.child);
}

function cleanEnv() {
  const env = { ...process.env };
  delete env.AUTHPLANE_DATA_DIR;
  delete env.NODE_OPTIONS;
  return env;
}

// ---- report ----------------------------------------------------------------------------------

function targets() {
  const t = [];
  const add = (name, target, measured, met, note = '') => t.push({ name, target, measured, met, note });
  const ap = result.flows.authplane;
  const op = result.flows.oidc;
  if (ap?.c8 && op?.c8) {
    const cpuRatio = ap.c8.serverCpuMsPerOp / op.c8.serverCpuMsPerOp;
    const ff = result.flows.floor?.c8;
    const floorCpu = ff ? ` (the flow floor: ${fmt(ff.serverCpuMsPerOp * 1000)} µs = ${fmt(ff.serverCpuMsPerOp / op.c8.serverCpuMsPerOp, 2)}×)` : '';
    add('full flow c8: server CPU per flow vs oidc-provider', '≤ 1/5 (0.20×)', `${fmt(ap.c8.serverCpuMsPerOp * 1000)} µs vs ${fmt(op.c8.serverCpuMsPerOp * 1000)} µs = ${fmt(cpuRatio, 2)}×${floorCpu}`, cpuRatio <= 0.2);
    const rate = ap.c8.opsPerSec / op.c8.opsPerSec;
    const floorRate = ff ? ` (the flow floor: ${fmt(ff.opsPerSec)} = ${fmt(ff.opsPerSec / op.c8.opsPerSec, 2)}×)` : '';
    add('full flow c8: flows/s vs oidc-provider', '≥ 3×', `${fmt(ap.c8.opsPerSec)} vs ${fmt(op.c8.opsPerSec)} = ${fmt(rate, 2)}×${floorRate}`, rate >= 3);
  }
  const rp = result.refresh.authplane?.c8;
  const ro = result.refresh.oidc?.c8;
  if (rp && ro) {
    const rate = rp.opsPerSec / ro.opsPerSec;
    const rf = result.refresh.floor?.c8;
    const floorRate = rf ? ` (the flow floor: ${fmt(rf.opsPerSec)} = ${fmt(rf.opsPerSec / ro.opsPerSec, 2)}×)` : '';
    add('refresh c8: refreshes/s vs oidc-provider', '≥ 3×', `${fmt(rp.opsPerSec)} vs ${fmt(ro.opsPerSec)} = ${fmt(rate, 2)}×${floorRate}`, rate >= 3);
  }
  if (result.demo.medianMs !== undefined) add('authserver demo: spawn → instructions printed (median)', '< 2 s', `${fmt(result.demo.medianMs)} ms`, result.demo.medianMs < 2000);
  const pf = result.scale.perFlow;
  if (pf?.[0] && pf?.[BIG]) {
    const r = pf[BIG].serverCpuMsPerOp / pf[0].serverCpuMsPerOp;
    add(`per-flow CPU with ${fmt(BIG)} issuances vs empty`, '≤ 1.2×', `${fmt(pf[BIG].serverCpuMsPerOp * 1000)} µs vs ${fmt(pf[0].serverCpuMsPerOp * 1000)} µs = ${fmt(r, 2)}×`, r <= 1.2);
  }
  const rd = result.scale.ready;
  if (rd) {
    const after = result.scale.readyAfterUse;
    add(`serve ready with ${fmt(BIG)} issuances`, '< 1 s', `${fmt(rd.ms)} ms${after ? ` (${fmt(after.ms)} ms after ${fmt(after.families)} more flows)` : ''}`, rd.ms < 1000);
    const rss = Math.max(rd.rssAtReadyMB, rd.rssAfterMB);
    add(`serve RSS with ${fmt(BIG)} issuances`, '< 200 MB', `${fmt(rss)} MB at ready${after ? ` (${fmt(Math.max(after.rssAtReadyMB, after.rssAfterMB))} MB after ${fmt(after.families)} more flows; peak ${fmt(pf?.[BIG]?.peakRssMB ?? NaN)} MB while serving them)` : ''}`, rss < 200);
  }
  const l = result.scale.list;
  if (l) {
    const worst = (m) => Math.max(...Object.values(m).map((x) => x.ms));
    add(`issuance list --limit 50, filters, ${fmt(BIG)} rows: admin API of the running server`, '< 100 ms', `worst filter ${fmt(worst(l.api), 1)} ms`, worst(l.api) < 100);
    add(`issuance list --limit 50, filters, ${fmt(BIG)} rows: CLI process, server running`, '< 100 ms', `worst filter ${fmt(worst(l.viaServer))} ms (node -e 0 alone: ${fmt(l.nodeStartMs)} ms; authserver --version: ${fmt(l.cliVersionMs)} ms)`, worst(l.viaServer) < 100);
    add(`issuance list --limit 50, filters, ${fmt(BIG)} rows: CLI process, no server (reads the issuance log itself)`, '< 100 ms', `worst filter ${fmt(worst(l.direct))} ms`, worst(l.direct) < 100);
  }
  const fr = result.flowrec;
  if (fr.on) {
    add('recording the flow timeline: server CPU per flow, on vs off (c8, same run; median of burst pairs)', '≤ 1.10×', `${fmt(fr.flowRatio, 3)}× (all bursts: ${fmt(fr.on.flowUs)} vs ${fmt(fr.off.flowUs)} µs = ${fmt(fr.totalRatios.flow, 3)}×; refresh ${fmt(fr.refreshRatio, 3)}×, all bursts ${fmt(fr.totalRatios.refresh, 3)}×)`, fr.flowRatio <= 1.1);
  }
  const sdk = result.sdk;
  if (sdk?.repeated) {
    const r = sdk.repeated.opsPerSec / sdk.joseFresh.opsPerSec;
    add('SDK: repeated token vs raw jose jwtVerify', '≥ 10×', `${fmt(sdk.repeated.opsPerSec)}/s vs ${fmt(sdk.joseFresh.opsPerSec)}/s = ${fmt(r)}×`, r >= 10);
  }
  return t;
}

function report() {
  const out = [];
  const m = result.meta;
  out.push(`AuthPlane benchmark · ${m.date} · Node ${m.node} · ${m.cpu} × ${m.cores} cores · ${m.memGB} GB · tmpdir on ${m.tmpdirFs} · load avg ${m.loadavgStart.join(' ')} at start, ${m.loadavgEnd?.join(' ')} at end · medians of ${m.rounds} run(s)${m.quick ? ' · QUICK' : ''}`);
  const tables = [];
  const flowRows = [['flow (authorize → token)', 'conc', 'flows/s', 'p50 ms', 'p99 ms', 'server CPU µs/flow', 'client CPU µs/flow']];
  for (const c of ['c1', 'c8', 'c32']) {
    for (const key of ['authplane', 'authplane_os', 'oidc', 'floor']) {
      const f = result.flows[key]?.[c];
      if (!f) continue;
      flowRows.push([result.flows[key].label, c.slice(1), fmt(f.opsPerSec), fmt(f.p50, 1), fmt(f.p99, 1), fmt(f.serverCpuMsPerOp * 1000), fmt(f.clientCpuMsPerOp * 1000)]);
    }
  }
  const refreshRows = [['refresh with rotation', 'conc', 'refreshes/s', 'p50 ms', 'p99 ms', 'server CPU µs/refresh', 'client CPU µs/refresh']];
  for (const key of ['authplane', 'authplane_os', 'oidc', 'floor']) {
    const f = result.refresh[key]?.c8;
    if (f) refreshRows.push([result.refresh[key].label, '8', fmt(f.opsPerSec), fmt(f.p50, 1), fmt(f.p99, 1), fmt(f.serverCpuMsPerOp * 1000), fmt(f.clientCpuMsPerOp * 1000)]);
  }
  if (flowRows.length > 1) tables.push(['Full flow', flowRows, ['l']], ['Refresh grant', refreshRows, ['l']]);
  const memRows = [['server', 'peak RSS MB', 'after flows', 'and refreshes']];
  for (const key of ['authplane', 'authplane_os', 'oidc']) if (result.flows[key]) memRows.push([result.flows[key].label, fmt(result.flows[key].peakRssMB), fmt(result.flows[key].totals.flows), fmt(result.flows[key].totals.refreshes)]);
  if (memRows.length > 1) tables.push(['Peak RSS after the head-to-head runs', memRows, ['l']]);
  const fl = result.floor;
  if (fl.es256SignUs) {
    const ap = result.flows.authplane?.c8;
    const rows = [['floor', 'CPU µs'], ['one ES256 signature (node:crypto, as keys.ts)', fmt(fl.es256SignUs, 1)], ['one bare Koa request (c8, server process CPU)', fmt(fl.koaRequestUs, 1)], ['floor per flow = 1 signature + 2 requests', fmt(fl.perFlowUs)]];
    if (ap) rows.push([`AuthPlane c8 server CPU per flow = ${fmt((ap.serverCpuMsPerOp * 1000) / fl.perFlowUs, 1)}× the floor`, fmt(ap.serverCpuMsPerOp * 1000)]);
    if (result.flows.authplane_os?.c8) rows.push([`AuthPlane (durability os) = ${fmt((result.flows.authplane_os.c8.serverCpuMsPerOp * 1000) / fl.perFlowUs, 1)}× the floor`, fmt(result.flows.authplane_os.c8.serverCpuMsPerOp * 1000)]);
    if (result.flows.oidc?.c8) rows.push([`node-oidc-provider = ${fmt((result.flows.oidc.c8.serverCpuMsPerOp * 1000) / fl.perFlowUs, 1)}× the floor`, fmt(result.flows.oidc.c8.serverCpuMsPerOp * 1000)]);
    const ff = result.flows.floor?.c8;
    if (ff) {
      rows.push([`a whole durable flow with no framework (flow floor, c8) = ${fmt((ff.serverCpuMsPerOp * 1000) / fl.perFlowUs, 1)}× the floor`, fmt(ff.serverCpuMsPerOp * 1000)]);
      if (ap) rows.push([`AuthPlane c8 = ${fmt(ap.serverCpuMsPerOp / ff.serverCpuMsPerOp, 2)}× the flow floor; oidc-provider ÷ 5 = ${fmt((result.flows.oidc?.c8?.serverCpuMsPerOp ?? NaN) * 200)} µs, ${fmt(((result.flows.oidc?.c8?.serverCpuMsPerOp ?? NaN) / 5) / ff.serverCpuMsPerOp, 2)}× the flow floor`, '']);
    }
    tables.push(['Floor of this machine', rows, ['l']]);
  }
  const sc = result.scale;
  if (sc.perFlow) {
    const rows = [['issuances stored', 'generated in', 'flows/s (c8)', 'p50 ms', 'server CPU µs/flow', 'vs empty', 'peak RSS MB']];
    for (const n of SCALE_SIZES) {
      const p = sc.perFlow[n];
      rows.push([fmt(n), n ? `${fmt(sc.generate[n].ms / 1000, 1)} s` : '–', fmt(p.opsPerSec), fmt(p.p50, 1), fmt(p.serverCpuMsPerOp * 1000), `${fmt(p.serverCpuMsPerOp / sc.perFlow[0].serverCpuMsPerOp, 2)}×`, fmt(p.peakRssMB)]);
    }
    tables.push(['Scale: per-flow cost with issuances already stored (AuthPlane, fsync)', rows, []]);
  }
  if (sc.ready) {
    const rows = [['authserver serve', 'ready ms (spawn → issuer URL)', 'RSS at ready MB', 'RSS 300 ms later MB']];
    rows.push([`${fmt(BIG)} issuances (as generated)`, fmt(sc.ready.ms), fmt(sc.ready.rssAtReadyMB), fmt(sc.ready.rssAfterMB)]);
    if (sc.readyAfterUse) rows.push([`+ ${fmt(sc.readyAfterUse.families)} flows (${fmt(sc.readyAfterUse.families)} refresh families)`, fmt(sc.readyAfterUse.ms), fmt(sc.readyAfterUse.rssAtReadyMB), fmt(sc.readyAfterUse.rssAfterMB)]);
    tables.push([`Scale: serve with ${fmt(BIG)} issuances`, rows, ['l']]);
  }
  if (sc.list) {
    const rows = [['issuance list --limit 50', 'CLI, no server ms', 'CLI, server running ms', 'admin API ms', 'rows']];
    for (const k of Object.keys(sc.list.direct)) rows.push([k, fmt(sc.list.direct[k].ms), fmt(sc.list.viaServer[k].ms), fmt(sc.list.api[k].ms, 1), fmt(sc.list.direct[k].rows)]);
    rows.push(['(node -e 0 / authserver --version)', `${fmt(sc.list.nodeStartMs)} / ${fmt(sc.list.cliVersionMs)}`, '', '', '']);
    tables.push([`Scale: issuance list with ${fmt(BIG)} issuances (wall time, spawn → exit)`, rows, ['l']]);
  }
  const sdk = result.sdk;
  if (sdk.fresh) {
    tables.push([
      'SDK adapter (createResourceVerifier) vs raw jose',
      [
        ['verification', 'per second', 'CPU µs each'],
        ['SDK verify, fresh token each time', fmt(sdk.fresh.opsPerSec), fmt(sdk.fresh.cpuUsPerOp, 1)],
        ['SDK verify, repeated token', fmt(sdk.repeated.opsPerSec), fmt(sdk.repeated.cpuUsPerOp, 2)],
        ['jose jwtVerify (fresh tokens)', fmt(sdk.joseFresh.opsPerSec), fmt(sdk.joseFresh.cpuUsPerOp, 1)],
        ['jose jwtVerify (repeated token)', fmt(sdk.joseRepeated.opsPerSec), fmt(sdk.joseRepeated.cpuUsPerOp, 1)],
      ],
      ['l'],
    ]);
  }
  if (result.demo.runs) tables.push(['authserver demo start-up (spawn → instructions printed, temporary data dir)', [['runs ms', 'median ms'], [result.demo.runs.join(' '), fmt(result.demo.medianMs)]], ['l']]);
  const rg = result.register;
  if (rg.at) {
    const rows = [['self-registered clients stored', 'ms per registration (largest allowed)']];
    for (const [n, v] of Object.entries(rg.at)) rows.push([fmt(Number(n)), fmt(v.ms, 1)]);
    rows.push([`${fmt(rg.cap)} (the cap): refused with 403`, fmt(rg.refusedMs, 1)]);
    rows.push([`admin client prune, ${fmt(rg.prune.deleted)} deleted (CLI wall time)`, fmt(rg.prune.ms)]);
    rows.push(['after the prune', fmt(rg.afterPruneMs, 1)]);
    tables.push([`Dynamic registration (${fmt(rg.registrationBytes)} B each; clients.json at the cap ${fmt(rg.clientsJsonKB)} KB)`, rows, ['l']]);
  }
  const fr = result.flowrec;
  if (fr.on) {
    const row = (label, x) => [label, fmt(x.flowsPerSec), fmt(x.flowUs), fmt(x.refreshesPerSec), fmt(x.refreshUs), fmt(x.peakRssMB)];
    tables.push([
      `Flow timeline recording (c8; ${fmt(fr.flowsKept ?? NaN)} flows kept at the end, the cap)`,
      [['authserver serve', 'flows/s', 'server CPU µs/flow', 'refreshes/s', 'server CPU µs/refresh', 'peak RSS MB'], row('recording on (default)', fr.on), row('--no-flows', fr.off), ['on ÷ off, all bursts', '', fmt(fr.totalRatios.flow, 3), '', fmt(fr.totalRatios.refresh, 3), ''], ['on ÷ off, median of burst pairs', '', fmt(fr.flowRatio, 3), '', fmt(fr.refreshRatio, 3), '']],
      ['l'],
    ]);
  }
  const tg = result.targets;
  if (tg.length) tables.push(['Targets', [['target', 'goal', 'measured', ''], ...tg.map((x) => [x.name, x.target, x.measured, x.met ? 'MET' : 'MISSED'])], ['l', 'l', 'l', 'l']]);
  const text = [out[0], ...tables.map(([title, rows, align]) => `\n${title}\n${textTable(rows, align)}`)].join('\n');
  const md = [`_${out[0]}_`, ...tables.map(([title, rows, align]) => `\n**${title}**\n\n${mdTable(rows, align)}`)].join('\n');
  return { text, md };
}

// ---- main ------------------------------------------------------------------------------------

exitOnSignals();
process.once('exit', () => {
  for (const d of cleanup) rmSync(d, { recursive: true, force: true });
});
result.meta = machine();
log(`building the CLI and bench entries (esbuild) · load average ${result.meta.loadavgStart.join(' ')}`);
const b = await buildBench();
try {
  if (want('floor') || want('sdk')) await floor(b);
  if (want('flows') || want('refresh')) await headToHead(b);
  if (want('scale')) await scale(b);
  if (want('demo')) {
    log('demo start-up');
    result.demo = await demoReady(b.cli, QUICK ? 5 : Math.max(9, ROUNDS * 3));
  }
  if (want('register')) {
    const dir = tmp('register');
    cleanup.push(dir);
    log('register: dynamic registrations up to the cap of self-registered clients');
    result.register = await benchRegister({ cli: b.cli, dir, log, quick: QUICK });
  }
  if (want('flowrec')) {
    log('flow timeline: recording on vs --no-flows');
    result.flowrec = await benchFlowRecording({ cli: b.cli, tmp: (p) => (cleanup.push(tmp(p)), cleanup.at(-1)), log, quick: QUICK, rounds: ROUNDS });
  }
} finally {
  for (const d of cleanup) rmSync(d, { recursive: true, force: true });
}
result.meta.loadavgEnd = os.loadavg().map((x) => Math.round(x * 100) / 100);
result.meta.durationS = Math.round((performance.now() - t0) / 1000);
result.targets = targets();
const { text, md } = report();
const outDir = path.join(ROOT, 'bench-results');
mkdirSync(outDir, { recursive: true });
const stamp = result.meta.date.replace(/[:.]/g, '-');
writeFileSync(path.join(outDir, `bench-${stamp}.json`), JSON.stringify(result, null, 2));
writeFileSync(path.join(outDir, 'latest.json'), JSON.stringify(result, null, 2));
writeFileSync(path.join(outDir, 'latest.md'), md + '\n');
process.stdout.write(`${text}\n\nwritten: bench-results/bench-${stamp}.json (also latest.json, latest.md) in ${result.meta.durationS} s\n`);
