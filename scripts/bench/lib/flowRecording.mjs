// `npm run bench -- --only flowrec`: what recording the flow timeline costs the token path. Two
// `authserver serve` processes, identical but for `--no-flows`, get the same c8 flows and refreshes
// in alternating order, round after round; the figure is the server CPU per operation with
// recording on ÷ off (medians of the rounds). The recording server keeps its flows at the
// FLOW_LIMITS cap during the runs, so the cost includes rolling the oldest off.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { request } from 'undici';
import { pkcePairs, runFlows, runRefresh } from './loadgen.mjs';
import { cpuMs, memMB, stopChild } from './proc.mjs';
import { startAuthPlane } from './servers.mjs';
import { median } from './stats.mjs';

async function cpuPerOp(pid, run) {
  const c0 = cpuMs(pid);
  const r = await run();
  if (r.errors) throw new Error(`${r.errors} failed requests, first: ${r.firstError}`);
  return { usPerOp: ((cpuMs(pid) - c0) * 1000) / r.ops, opsPerSec: r.opsPerSec, ops: r.ops };
}

export async function benchFlowRecording({ cli, tmp, log, quick, rounds }) {
  const n = quick ? { warm: 1500, flows: 2000, refresh: 2000, ms: 1500 } : { warm: 5000, flows: 8000, refresh: 8000, ms: 3000 };
  const onDir = tmp('flowrec-on');
  const servers = [
    { key: 'on', srv: await startAuthPlane(cli, onDir) },
    { key: 'off', srv: await startAuthPlane(cli, tmp('flowrec-off'), { serveArgs: ['--no-flows'] }) },
  ];
  const pairs = pkcePairs(n.warm + n.flows);
  const out = { rounds: [], on: {}, off: {} };
  try {
    for (const s of servers) {
      log(`  warm-up: recording ${s.key}`);
      s.tokens = [];
      await runFlows(s.srv.target, { concurrency: 8, maxOps: n.warm, maxMs: n.ms * 3, pairs: pairs.slice(0, n.warm), keep: s.tokens });
      s.flows = [];
      s.refresh = [];
    }
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? servers : [...servers].reverse();
      for (const s of order) {
        const keep = [];
        s.flows.push(await cpuPerOp(s.srv.pid, () => runFlows(s.srv.target, { concurrency: 8, maxOps: n.flows, maxMs: n.ms, pairs: pairs.slice(n.warm), keep })));
        s.tokens.push(...keep);
        const rr = await cpuPerOp(s.srv.pid, async () => {
          const res = await runRefresh(s.srv.target, { concurrency: 8, maxOps: n.refresh, maxMs: n.ms, tokens: s.tokens });
          s.tokens.splice(0, res.familiesUsed);
          return res;
        });
        s.refresh.push(rr);
        log(`  round ${r + 1}: recording ${s.key}: ${Math.round(s.flows.at(-1).usPerOp)} µs/flow, ${Math.round(rr.usPerOp)} µs/refresh`);
      }
    }
    for (const s of servers) {
      out[s.key] = {
        flowUs: median(s.flows.map((x) => x.usPerOp)),
        flowsPerSec: median(s.flows.map((x) => x.opsPerSec)),
        refreshUs: median(s.refresh.map((x) => x.usPerOp)),
        refreshesPerSec: median(s.refresh.map((x) => x.opsPerSec)),
        peakRssMB: memMB(s.srv.pid).peak,
      };
    }
    const token = (await readFile(path.join(onDir, 'admin-token'), 'utf8')).trim();
    const res = await request(`${servers[0].srv.target.origin}/admin/api/flows?limit=1000`, { headers: { authorization: `Bearer ${token}` } });
    out.flowsKept = res.statusCode === 200 ? (await res.body.json()).length : undefined;
    out.flowRatio = out.on.flowUs / out.off.flowUs;
    out.refreshRatio = out.on.refreshUs / out.off.refreshUs;
  } finally {
    for (const s of servers) await stopChild(s.srv.child);
  }
  return out;
}
