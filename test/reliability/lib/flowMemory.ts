/**
 * The soak's memory check of the flow timeline: a real server (in this process, so its heap can
 * be read after a full GC) takes thousands of flows over HTTP: code flows with a refresh,
 * client_credentials, and failing token requests with near-limit bodies (each capped when
 * recorded). The timeline must stay within FLOW_LIMITS and the heap must stop growing once the
 * cap is reached: old flows roll off and take their link keys with them.
 */
import { rm } from 'node:fs/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { FLOW_LIMITS } from '../../../server/contracts/flows';
import { silentLogger } from '../../../server/log';
import { startServer } from '../../../server/app';
import { codeFlow, postForm, refresh } from '../../helpers/oauthClient';
import { seedSingleMcp, tempDir } from '../../helpers/server';

export interface FlowMemoryReport {
  rounds: number;
  checkpoints: Array<{ after: number; heapMB: number; buffersMB: number; flows: number; steps: number; recordedMB: number; keys: number }>;
  /** Heap growth from the first checkpoint after the cap filled to the last, after a full GC. */
  growthMB: number;
  /** The same for memory outside the heap (Buffers: the timeline's text arena is one, allocated once). */
  buffersGrowthMB: number;
  ok: boolean;
  problems: string[];
}

/** A full collection, when the process was not started with --expose-gc. */
function gcNow(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

const RES = 'http://127.0.0.1:3001/mcp';
const MAX_GROWTH_MB = 16;

export async function runFlowMemorySoak(opts: { rounds?: number; log?: (l: string) => void } = {}): Promise<FlowMemoryReport> {
  const rounds = opts.rounds ?? 3000;
  const log = opts.log ?? (() => undefined);
  const dataDir = await tempDir('authplane-soak-flows-');
  const s = await startServer({ dataDir, port: 0, consent: 'auto', durability: 'os', log: silentLogger });
  const checkpoints: FlowMemoryReport['checkpoints'] = [];
  try {
    await seedSingleMcp(s);
    const svc = await s.services.clients.create({ client_name: 'svc', client_id: 'svc', grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_post' }, 'admin');
    const big = 'x'.repeat(8000);
    const every = Math.max(100, Math.floor(rounds / 6));
    for (let i = 1; i <= rounds; i++) {
      if (i % 3 === 0) {
        const { as, client, tokens } = await codeFlow({ issuer: s.issuer, clientId: 'my-agent', scope: 'read', resource: RES });
        await refresh(as, client, tokens.refresh_token!);
      } else if (i % 3 === 1) {
        await postForm(`${s.issuer}/oauth/token`, { grant_type: 'client_credentials', resource: RES, scope: 'read', client_id: 'svc', client_secret: svc.client_secret! });
      } else {
        await postForm(`${s.issuer}/oauth/token`, { grant_type: 'refresh_token', refresh_token: `unknown-${i}`, client_id: 'my-agent', a: big, b: big, c: big, d: big });
      }
      if (i % every === 0 || i === rounds) {
        gcNow();
        const st = s.services.flows.stats();
        const mem = process.memoryUsage();
        const cp = { after: i, heapMB: mem.heapUsed / 2 ** 20, buffersMB: mem.arrayBuffers / 2 ** 20, flows: st.flows, steps: st.steps, recordedMB: st.bytes / 2 ** 20, keys: st.keys };
        checkpoints.push(cp);
        log(`  flows soak: ${i} rounds: heap ${cp.heapMB.toFixed(1)} MB, buffers ${cp.buffersMB.toFixed(1)} MB, ${cp.flows} flows, ${cp.steps} steps, ${cp.recordedMB.toFixed(2)} MB of text in the arena, ${cp.keys} link keys`);
      }
    }
  } finally {
    await s.close();
    await rm(dataDir, { recursive: true, force: true });
  }
  const problems: string[] = [];
  for (const c of checkpoints) {
    if (c.flows > FLOW_LIMITS.flows) problems.push(`${c.flows} flows kept after ${c.after} rounds (cap ${FLOW_LIMITS.flows})`);
    if (c.recordedMB * 2 ** 20 > FLOW_LIMITS.totalBytes) problems.push(`${c.recordedMB.toFixed(1)} MB recorded after ${c.after} rounds (cap ${FLOW_LIMITS.totalBytes / 2 ** 20} MB)`);
  }
  // The cap is reached within the first checkpoint (every round adds at least one flow).
  const steady = checkpoints.slice(1);
  const growthMB = steady.length >= 2 ? steady.at(-1)!.heapMB - steady[0]!.heapMB : 0;
  if (growthMB > MAX_GROWTH_MB) problems.push(`heap grew ${growthMB.toFixed(1)} MB after the timeline was full (allowed ${MAX_GROWTH_MB} MB)`);
  const buffersGrowthMB = steady.length >= 2 ? steady.at(-1)!.buffersMB - steady[0]!.buffersMB : 0;
  if (buffersGrowthMB > MAX_GROWTH_MB) problems.push(`Buffers grew ${buffersGrowthMB.toFixed(1)} MB after the timeline was full (allowed ${MAX_GROWTH_MB} MB)`);
  return { rounds, checkpoints, growthMB, buffersGrowthMB, ok: problems.length === 0, problems };
}
