// `npm run bench -- --only flowrec`: what recording the flow timeline costs the token path. Two
// `authserver serve` processes, identical but for `--no-flows`, get the same c8 flows and refreshes
// in short alternating bursts (the order reversed every burst), so load from other work on the
// machine, which comes and goes over seconds, falls on both alike. The figure is the median over
// the burst pairs of (on's CPU per operation ÷ off's), the two bursts of a pair run back to back:
// a burst that other work on the machine hit moves one pair, not the figure. Each server's CPU
// over all its bursts ÷ its operations is printed too. The recording server keeps its flows at
// the FLOW_LIMITS cap during the runs, so the cost includes rolling the oldest off.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { request } from 'undici';
import { pkcePairs, runFlows, runRefresh } from './loadgen.mjs';
import { cpuMs, memMB, stopChild } from './proc.mjs';
import { startAuthPlane } from './servers.mjs';
import { median } from './stats.mjs';

async function cpuPerOp(pid, run) {
  const c0 = cpuMs(pid);
  const t0 = performance.now();
  const r = await run();
  if (r.errors) throw new Error(`${r.errors} failed requests, first: ${r.firstError}`);
  return { cpuMs: cpuMs(pid) - c0, wallMs: performance.now() - t0, ops: r.ops };
}

/** The median over burst pairs of a's CPU per operation ÷ b's. */
function pairedRatio(a, b) {
  return median(a.map((x, i) => x.cpuMs / x.ops / (b[i].cpuMs / b[i].ops)));
}

/** Per operation over a list of bursts: CPU µs, and operations per second of wall time. */
function total(bursts) {
  const sum = (k) => bursts.reduce((a, b) => a + b[k], 0);
  return { usPerOp: (sum('cpuMs') * 1000) / sum('ops'), opsPerSec: (sum('ops') * 1000) / sum('wallMs') };
}

export async function benchFlowRecording({ cli, tmp, log, quick, rounds }) {
  // Bursts of 500 flows (~0.2 s) and 250 refreshes; `rounds` rounds of `bursts` each.
  const n = quick ? { warm: 1500, bursts: 4 } : { warm: 5000, bursts: 12 };
  const FLOWS = 500;
  const REFRESHES = 250;
  const onDir = tmp('flowrec-on');
  const servers = [
    { key: 'on', srv: await startAuthPlane(cli, onDir) },
    { key: 'off', srv: await startAuthPlane(cli, tmp('flowrec-off'), { serveArgs: ['--no-flows'] }) },
  ];
  const perServer = n.warm + rounds * n.bursts * FLOWS;
  const out = { rounds: [], on: {}, off: {} };
  try {
    for (const s of servers) {
      log(`  warm-up: recording ${s.key}`);
      s.pairs = pkcePairs(perServer);
      s.at = n.warm;
      s.tokens = [];
      await runFlows(s.srv.target, { concurrency: 8, maxOps: n.warm, maxMs: 60_000, pairs: s.pairs.slice(0, n.warm), keep: s.tokens });
      s.flows = [];
      s.refresh = [];
    }
    let flip = false;
    for (let r = 0; r < rounds; r++) {
      for (let b = 0; b < n.bursts; b++) {
        for (const s of (flip = !flip) ? servers : [...servers].reverse()) {
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
      for (const s of servers) log(`  round ${r + 1}: recording ${s.key}: ${Math.round(total(s.flows.slice(-n.bursts)).usPerOp)} µs/flow, ${Math.round(total(s.refresh.slice(-n.bursts)).usPerOp)} µs/refresh`);
    }
    for (const s of servers) {
      const f = total(s.flows);
      const rf = total(s.refresh);
      out[s.key] = { flowUs: f.usPerOp, flowsPerSec: f.opsPerSec, refreshUs: rf.usPerOp, refreshesPerSec: rf.opsPerSec, peakRssMB: memMB(s.srv.pid).peak };
    }
    const token = (await readFile(path.join(onDir, 'admin-token'), 'utf8')).trim();
    const res = await request(`${servers[0].srv.target.origin}/admin/api/flows?limit=1000`, { headers: { authorization: `Bearer ${token}` } });
    out.flowsKept = res.statusCode === 200 ? (await res.body.json()).length : undefined;
    const [on, off] = servers;
    out.flowRatio = pairedRatio(on.flows, off.flows);
    out.refreshRatio = pairedRatio(on.refresh, off.refresh);
    out.totalRatios = { flow: out.on.flowUs / out.off.flowUs, refresh: out.on.refreshUs / out.off.refreshUs };
  } finally {
    for (const s of servers) await stopChild(s.srv.child);
  }
  return out;
}
