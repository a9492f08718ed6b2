// `npm run bench -- --only flowrec`: what recording the flow timeline costs the token path.
// `authserver serve` processes identical but for `--no-flows`, six of each (one with --quick): the
// same build in two processes differs by a few per cent on this VM for the whole of their lives,
// so one process a side would measure the processes as much as the recording. Each recording
// server is paired with a --no-flows one; a pair gets c8 bursts of 500 flows and 250 refreshes in
// turn, the order reversed every burst, so load from other work, which comes and goes over
// seconds, falls on both alike. Six pairs, not fewer: with two, four runs on the same build gave
// 1.02–1.17×. CPU is every thread's time on a CPU (schedstat, ns). The figure is
// the median over the burst pairs of (on's CPU per operation ÷ off's); the totals over all bursts
// are printed too. The recording servers keep their flows at the FLOW_LIMITS cap during the runs,
// so the cost includes rolling the oldest off.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { request } from 'undici';
import { pkcePairs, runFlows, runRefresh } from './loadgen.mjs';
import { memMB, onCpuMs, stopChild } from './proc.mjs';
import { startAuthPlane } from './servers.mjs';
import { median } from './stats.mjs';

async function cpuPerOp(pid, run) {
  const c0 = onCpuMs(pid);
  const t0 = performance.now();
  const r = await run();
  if (r.errors) throw new Error(`${r.errors} failed requests, first: ${r.firstError}`);
  return { cpuMs: onCpuMs(pid) - c0, wallMs: performance.now() - t0, ops: r.ops };
}

/** For each burst pair, a's CPU per operation ÷ b's. */
function burstRatios(a, b) {
  return a.map((x, i) => x.cpuMs / x.ops / (b[i].cpuMs / b[i].ops));
}

/** Per operation over a list of bursts: CPU µs, and operations per second of wall time. */
function total(bursts) {
  const sum = (k) => bursts.reduce((a, b) => a + b[k], 0);
  return { usPerOp: (sum('cpuMs') * 1000) / sum('ops'), opsPerSec: (sum('ops') * 1000) / sum('wallMs') };
}

export async function benchFlowRecording({ cli, tmp, log, quick, rounds }) {
  // Bursts of 500 flows (~0.2 s) and 250 refreshes; `rounds` rounds of `bursts` per pair.
  const n = quick ? { warm: 1500, bursts: 4, pairs: 1 } : { warm: 5000, bursts: 8, pairs: 6 };
  const FLOWS = 500;
  const REFRESHES = 250;
  const perServer = n.warm + rounds * n.bursts * FLOWS;
  const servers = [];
  const pairs = [];
  const out = { rounds: [], on: {}, off: {} };
  try {
    for (let p = 0; p < n.pairs; p++) {
      const on = { key: 'on', dir: tmp(`flowrec-on-${p}`) };
      on.srv = await startAuthPlane(cli, on.dir);
      const off = { key: 'off', srv: await startAuthPlane(cli, tmp(`flowrec-off-${p}`), { serveArgs: ['--no-flows'] }) };
      servers.push(on, off);
      pairs.push([on, off]);
    }
    for (const s of servers) {
      log(`  warm-up: recording ${s.key}`);
      s.pairs = pkcePairs(perServer);
      s.at = n.warm;
      s.tokens = [];
      await runFlows(s.srv.target, { concurrency: 8, maxOps: n.warm, maxMs: 60_000, pairs: s.pairs.slice(0, n.warm), keep: s.tokens });
      // Refreshes too: their steps join older flows, a path the flows alone do not warm.
      const warmed = await runRefresh(s.srv.target, { concurrency: 8, maxOps: n.warm / 2, maxMs: 60_000, tokens: s.tokens });
      s.tokens.splice(0, warmed.familiesUsed);
      s.flows = [];
      s.refresh = [];
    }
    let flip = false;
    for (let r = 0; r < rounds; r++) {
      for (let b = 0; b < n.bursts; b++) {
        for (const pair of pairs) {
          for (const s of (flip = !flip) ? pair : [...pair].reverse()) {
            const keep = [];
            s.flows.push(await cpuPerOp(s.srv.pid, () => runFlows(s.srv.target, { concurrency: 8, maxOps: FLOWS, maxMs: 60_000, pairs: s.pairs.slice(s.at, s.at + FLOWS), keep })));
            s.at += FLOWS;
            s.tokens.push(...keep);
            s.refresh.push(
              await cpuPerOp(s.srv.pid, async () => {
                const res = await runRefresh(s.srv.target, { concurrency: 8, maxOps: REFRESHES, maxMs: 60_000, tokens: s.tokens });
                s.tokens.splice(0, res.familiesUsed);
                return res;
              }),
            );
          }
        }
      }
      for (const key of ['on', 'off']) {
        const mine = servers.filter((s) => s.key === key);
        log(`  round ${r + 1}: recording ${key}: ${Math.round(total(mine.flatMap((s) => s.flows.slice(-n.bursts))).usPerOp)} µs/flow, ${Math.round(total(mine.flatMap((s) => s.refresh.slice(-n.bursts))).usPerOp)} µs/refresh`);
      }
    }
    for (const key of ['on', 'off']) {
      const mine = servers.filter((s) => s.key === key);
      const f = total(mine.flatMap((s) => s.flows));
      const rf = total(mine.flatMap((s) => s.refresh));
      out[key] = { flowUs: f.usPerOp, flowsPerSec: f.opsPerSec, refreshUs: rf.usPerOp, refreshesPerSec: rf.opsPerSec, peakRssMB: Math.max(...mine.map((s) => memMB(s.srv.pid).peak)) };
    }
    const token = (await readFile(path.join(pairs[0][0].dir, 'admin-token'), 'utf8')).trim();
    const res = await request(`${pairs[0][0].srv.target.origin}/admin/api/flows?limit=1000`, { headers: { authorization: `Bearer ${token}` } });
    out.flowsKept = res.statusCode === 200 ? (await res.body.json()).length : undefined;
    out.flowRatio = median(pairs.flatMap(([on, off]) => burstRatios(on.flows, off.flows)));
    out.refreshRatio = median(pairs.flatMap(([on, off]) => burstRatios(on.refresh, off.refresh)));
    out.totalRatios = { flow: out.on.flowUs / out.off.flowUs, refresh: out.on.refreshUs / out.off.refreshUs };
  } finally {
    for (const s of servers) await stopChild(s.srv.child);
  }
  return out;
}
