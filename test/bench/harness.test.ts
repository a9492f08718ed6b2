/**
 * The benchmark's pieces work (correctness only; timing is the benchmark's business, never a
 * test's): the load generator completes real flows and refreshes against `authserver serve` and
 * against node-oidc-provider configured like it, the data-dir generator writes a store AuthPlane
 * opens and queries, and the in-process measurements produce numbers.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBench } from '../../scripts/bench/lib/build.mjs';
import { pkcePairs, runFlows, runGets, runRefresh } from '../../scripts/bench/lib/loadgen.mjs';
import { cpuMs, memMB, runChild, stopChild } from '../../scripts/bench/lib/proc.mjs';
import { CLIENT_ID, RESOURCE, startAuthPlane, startFlowFloor, startOidcProvider, type Server } from '../../scripts/bench/lib/servers.mjs';
import { benchRegister } from '../../scripts/bench/lib/register.mjs';
import { openStore } from '../../server/store/index';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let built: Awaited<ReturnType<typeof buildBench>>;
let buildDir: string;
const dirs: string[] = [];

async function tempDir(prefix: string): Promise<string> {
  const d = await mkdtemp(path.join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;

beforeAll(async () => {
  // Its own build dir (beside node_modules), so a benchmark running meanwhile keeps its files.
  buildDir = path.join(ROOT, 'test-output', `bench-${process.pid}-${Date.now().toString(36)}`);
  built = await buildBench(buildDir);
}, 60_000);

afterAll(async () => {
  await Promise.all([...dirs, buildDir].filter(Boolean).map((d) => rm(d, { recursive: true, force: true })));
});

describe('load generator', () => {
  it('completes full flows and rotating refreshes against authserver serve, with bounded loops', async () => {
    const srv: Server = await startAuthPlane(built.cli, await tempDir('bench-ap-'));
    try {
      expect(srv.target.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const refresh: string[] = [];
      const access: string[] = [];
      const cpuBefore = cpuMs(srv.pid);
      const flows = await runFlows(srv.target, { concurrency: 4, maxOps: 20, maxMs: 20_000, pairs: pkcePairs(20), keep: refresh, keepAccess: access });
      expect(flows).toMatchObject({ ops: 20, errors: 0 });
      expect(flows.p50).toBeGreaterThan(0);
      expect(new Set(refresh).size).toBe(20);
      expect(cpuMs(srv.pid)).toBeGreaterThanOrEqual(cpuBefore);
      expect(memMB(srv.pid).rss).toBeGreaterThan(0);

      const [h, p] = access[0]!.split('.');
      expect(decode(h!)).toMatchObject({ typ: 'at+jwt', alg: 'ES256' });
      expect(decode(p!)).toMatchObject({ iss: srv.target.origin, aud: [RESOURCE], client_id: CLIENT_ID, scope: 'read write' });

      // 3 families rotated 4 times each (plus a partial one): every request uses the token the previous one returned.
      const r = await runRefresh(srv.target, { concurrency: 2, maxOps: 12, maxMs: 20_000, tokens: refresh, rotations: 4 });
      expect(r).toMatchObject({ ops: 12, errors: 0 });
      expect(r.familiesUsed).toBeGreaterThanOrEqual(3);

      // The count bound and the time bound both stop a run.
      expect((await runGets(srv.target.origin, '/health', { concurrency: 2, maxOps: 7, maxMs: 20_000 })).ops).toBe(7);
      const timed = await runGets(srv.target.origin, '/health', { concurrency: 1, maxOps: 1_000_000, maxMs: 200 });
      expect(timed.ops).toBeGreaterThan(0);
      expect(timed.ops).toBeLessThan(1_000_000);

      // A used refresh token is refused (rotation), and the generator reports it as an error, not a success.
      const replay = await runRefresh(srv.target, { concurrency: 1, maxOps: 1, maxMs: 5_000, tokens: refresh.slice(0, 2), rotations: 1 });
      expect(replay.errors).toBe(1);
      expect(replay.firstError).toMatch(/invalid_grant/);
    } finally {
      await stopChild(srv.child);
    }
  }, 60_000);

  it('completes the same flows against node-oidc-provider configured like AuthPlane', async () => {
    const srv = await startOidcProvider();
    try {
      const refresh: string[] = [];
      const access: string[] = [];
      const flows = await runFlows(srv.target, { concurrency: 2, maxOps: 10, maxMs: 20_000, pairs: pkcePairs(10), keep: refresh, keepAccess: access });
      expect(flows).toMatchObject({ ops: 10, errors: 0 });
      expect(refresh).toHaveLength(10);
      const [h, p] = access[0]!.split('.');
      expect(decode(h!)).toMatchObject({ alg: 'ES256' });
      expect(decode(p!)).toMatchObject({ aud: RESOURCE, client_id: CLIENT_ID, scope: 'read write' });
      const r = await runRefresh(srv.target, { concurrency: 2, maxOps: 6, maxMs: 20_000, tokens: refresh, rotations: 3 });
      expect(r).toMatchObject({ ops: 6, errors: 0 });
    } finally {
      await stopChild(srv.child);
    }
  }, 60_000);

  it('completes flows and rotating refreshes against the flow floor, one durable row per token', async () => {
    const dir = await tempDir('bench-floor-');
    const srv = await startFlowFloor(dir);
    try {
      const refresh: string[] = [];
      const access: string[] = [];
      const flows = await runFlows(srv.target, { concurrency: 2, maxOps: 10, maxMs: 20_000, pairs: pkcePairs(10), keep: refresh, keepAccess: access });
      expect(flows).toMatchObject({ ops: 10, errors: 0 });
      const [h, p] = access[0]!.split('.');
      expect(decode(h!)).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
      expect(decode(p!)).toMatchObject({ aud: RESOURCE, client_id: CLIENT_ID, scope: 'read write' });
      const r = await runRefresh(srv.target, { concurrency: 2, maxOps: 6, maxMs: 20_000, tokens: refresh, rotations: 3 });
      expect(r).toMatchObject({ ops: 6, errors: 0 });
      // Written before each response: every token delivered has its line on disk.
      const lines = (await readFile(path.join(dir, 'floor-issuances.jsonl'), 'utf8')).trim().split('\n');
      expect(lines).toHaveLength(16);
      // A wrong PKCE verifier is refused, like a real server would.
      const bad = pkcePairs(1);
      bad[0]!.verifier = 'x'.repeat(43);
      const refused = await runFlows(srv.target, { concurrency: 1, maxOps: 1, maxMs: 5_000, pairs: bad });
      expect(refused.firstError).toMatch(/invalid_grant/);
    } finally {
      await stopChild(srv.child);
    }
  }, 60_000);
});

describe('data-dir generator', () => {
  it('writes issuances AuthPlane opens, counts and queries, and the CLI lists', async () => {
    const dir = await tempDir('bench-gen-');
    const n = 60_000; // one sealed 50,000-row segment plus the active one
    const g = await runChild([built.datagen, dir, String(n)], { timeoutMs: 60_000 });
    expect(g.code).toBe(0);
    expect(JSON.parse(g.stdout)).toMatchObject({ rows: n, segments: 2 });

    const store = await openStore(dir, { durability: 'os', onWarning: (m) => expect.fail(m) });
    try {
      expect(store.issuances.count()).toBe(n);
      const now = Date.now();
      const newest = await store.issuances.list({ now, limit: 3 });
      expect(newest.rows).toHaveLength(3);
      expect(Date.parse(newest.rows[0]!.issued_at)).toBeGreaterThanOrEqual(Date.parse(newest.rows[2]!.issued_at));
      const filtered = await store.issuances.list({ now, limit: 5, resource: 'mcp-a', client: 'my-agent' });
      expect(filtered.rows.length).toBeGreaterThan(0);
      for (const row of filtered.rows) expect(row).toMatchObject({ resource: 'mcp-a', aud: RESOURCE, client_id: 'my-agent' });
      const revoked = await store.issuances.list({ now, limit: 5, state: 'revoked' });
      expect(revoked.rows.length).toBeGreaterThan(0);
      expect(await store.issuances.get(revoked.rows[0]!.jti)).toMatchObject({ jti: revoked.rows[0]!.jti, revoked_reason: 'admin' });
    } finally {
      await store.close();
    }

    const env: NodeJS.ProcessEnv = { ...process.env, HOME: dir };
    delete env.AUTHPLANE_DATA_DIR;
    delete env.NODE_OPTIONS;
    const list = await runChild([built.cli, 'admin', 'issuance', 'list', '--data-dir', dir, '--limit', '4', '--sub', 'alice', '--since', '30d', '--json'], { env });
    expect(list.code).toBe(0);
    const { issuances: rows, next_cursor } = JSON.parse(list.stdout) as { issuances: Array<{ sub: string }>; next_cursor: string | null };
    expect(rows).toHaveLength(4);
    expect(next_cursor).toEqual(expect.any(String));
    for (const r of rows) expect(r.sub).toBe('alice');
  }, 60_000);
});

describe('in-process measurements', () => {
  it('reports an ES256 signing floor and SDK verification rates', async () => {
    const r = await runChild([built.micro, '--ms', '30'], { timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    const m = JSON.parse(r.stdout) as { floor: { es256SignUs: number }; sdk: Record<string, { ops: number; opsPerSec: number }> };
    expect(m.floor.es256SignUs).toBeGreaterThan(0);
    for (const k of ['fresh', 'repeated', 'joseFresh', 'joseRepeated']) {
      expect(m.sdk[k]!.ops).toBeGreaterThan(0);
      expect(m.sdk[k]!.opsPerSec).toBeGreaterThan(0);
    }
  }, 60_000);
});

describe('registration bench', () => {
  it('fills self-registration to the cap, is refused past it, and prunes back to room', async () => {
    const dir = await tempDir('authplane-bench-register-');
    const r = await benchRegister({ cli: built.cli, dir, log: () => undefined, quick: true });
    expect(Object.keys(r.at)).toEqual(['0', '250', '490']);
    for (const v of Object.values(r.at)) expect(v.ms).toBeGreaterThan(0);
    expect(r.prune.deleted).toBe(r.cap);
    expect(r.clientsJsonKB).toBeGreaterThan(0);
  }, 180_000);
});
