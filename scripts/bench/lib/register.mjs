// `npm run bench -- --only register`: what one dynamic registration costs with 0 and with many
// self-registered clients already stored, up to the cap (DCR_LIMITS.clients = 500). Every
// registration is the largest one allowed (10 redirect URIs of 512 characters, a 100-character
// name), so the figures are the worst case; clients.json is rewritten (and fsynced) on each.
import { statSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { request } from 'undici';
import { runChild, stopChild } from './proc.mjs';
import { startAuthPlane } from './servers.mjs';
import { median } from './stats.mjs';

const CAP = 500;
const BASE = 'https://app.example.com/';
const body = (i) =>
  JSON.stringify({
    client_name: `bench agent ${i}`.padEnd(100, '.'),
    redirect_uris: Array.from({ length: 10 }, (_, k) => `${BASE}${String(k)}${'a'.repeat(511 - BASE.length)}`.slice(0, 512)),
  });

async function registerOnce(origin, i) {
  const t = performance.now();
  const res = await request(`${origin}/oauth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(i) });
  const text = await res.body.text();
  return { ms: performance.now() - t, status: res.statusCode, text };
}

/**
 * Registers up to the cap, one at a time, and reports the median latency of the registrations
 * made with about 0, CAP/2 and CAP-20 clients stored (20 each), the refusal past the cap, and
 * `authserver admin client prune` deleting all of them.
 */
export async function benchRegister({ cli, dir, log, quick }) {
  const window = quick ? 10 : 20;
  const marks = [0, CAP / 2, CAP - window];
  const srv = await startAuthPlane(cli, dir, { seed: false });
  const origin = srv.target.origin;
  const file = path.join(dir, 'clients.json');
  const out = { cap: CAP, registrationBytes: Buffer.byteLength(body(0)), at: {} };
  try {
    const samples = new Map(marks.map((m) => [m, []]));
    for (let i = 0; i < CAP; i++) {
      const r = await registerOnce(origin, i);
      if (r.status !== 201) throw new Error(`registration ${i} answered ${r.status}: ${r.text}`);
      for (const m of marks) if (i >= m && i < m + window) samples.get(m).push(r.ms);
      if (i % 100 === 0) log(`register: ${i} of ${CAP} stored`);
    }
    for (const m of marks) out.at[m] = { ms: median(samples.get(m)) };
    out.clientsJsonKB = statSync(file).size / 1024;
    const refused = [];
    for (let i = 0; i < window; i++) {
      const r = await registerOnce(origin, CAP + i);
      if (r.status !== 403) throw new Error(`past the cap, registration answered ${r.status}: ${r.text}`);
      refused.push(r.ms);
    }
    out.refusedMs = median(refused);
    const prune = await runChild([cli, 'admin', 'client', 'prune', '--data-dir', dir, '--older-than', '0', '--json'], { timeoutMs: 120_000 });
    if (prune.code !== 0) throw new Error(`prune failed: ${prune.stderr}`);
    out.prune = { ms: prune.ms, deleted: JSON.parse(prune.stdout).pruned.length };
    out.afterPruneMs = (await registerOnce(origin, CAP + window)).ms;
  } finally {
    await stopChild(srv.child);
  }
  return out;
}
