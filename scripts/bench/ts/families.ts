/**
 * What the live refresh families cost in memory and at start, one JSON line on stdout (issue 13).
 *
 *   node --expose-gc families.mjs [--families 100000] [--rotations 3] [--dir DIR]
 *
 * Writes `--families` families (each with one issuance row, as a flow does) through the real
 * store into a temp data dir, each family in the state it has after `--rotations` refreshes
 * (consumed hashes, previous token, access jtis), then opens the token log again and measures:
 *
 * - open.rowsOnlyMs / open.withFamiliesMs: opening the token log without and with its families
 *   (the family index built as openStore builds it), so the difference is what families add.
 * - heap.bytesPerFamily: heap used with the family index minus heap used by the log alone, per
 *   family (after a full GC both times).
 * - compact.*: heap per family of two candidate in-memory indexes built from the same rows
 *   (nothing of the store uses them): `byId` keeps a small record per family (client, sub,
 *   resource, state, expiry, current hash, where its last line sits) and a string map of every
 *   hash presenting which finds the family (current, previous, consumed); `slots` keeps the same
 *   facts in typed arrays indexed by slot and maps a 28-bit prefix of each hash to its slot (a
 *   prefix match is confirmed against the full row read from the log).
 * - readRow: what such an index pays per refresh instead: one positioned read of a family's line
 *   (from the page cache) and its JSON.parse, µs per row over random families of the first segment.
 */
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openStore } from '../../../server/store/index';
import { SegmentedIssuanceLog } from '../../../server/store/issuanceLog';
import { LoggedFamilyStore } from '../../../server/store/familyStore';
import type { Issuance } from '../../../server/contracts';
import type { RefreshFamily } from '../../../server/store/types';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const N = arg('families', 100_000);
const ROTATIONS = arg('rotations', 3);
const dirArg = process.argv.includes('--dir') ? process.argv[process.argv.indexOf('--dir') + 1] : undefined;

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const heap = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

const hex = () => createHash('sha256').update(randomBytes(32)).digest('hex');
const id = () => randomBytes(16).toString('base64url');
const iso = (ms: number) => new Date(ms).toISOString();
/** A string of its own (not shared with the row it came from), as an index parsed from the log would hold. */
const own = (s: string) => Buffer.from(s, 'latin1').toString('latin1');

/** A family after `ROTATIONS` refreshes, and the issuance row of its latest access token. */
function sample(i: number, now: number): { family: RefreshFamily; row: Issuance } {
  const fid = id();
  const exp = iso(now + 7 * 24 * 3600_000);
  const jtis = Array.from({ length: ROTATIONS + 1 }, id);
  const family: RefreshFamily = {
    id: fid,
    client_id: `client-${i % 50}`,
    sub: `user-${i % 1000}`,
    resource: `res-${i % 10}`,
    aud: `http://127.0.0.1:${3000 + (i % 10)}/mcp`,
    scope: 'mcp:read mcp:write',
    created_at: iso(now),
    expires_at: exp,
    current: { hash: hex(), issued_at: iso(now), expires_at: exp },
    ...(ROTATIONS > 0 ? { previous: { hash: hex(), issued_at: iso(now), expires_at: exp, consumed_at: iso(now), grace_until: iso(now) } } : {}),
    consumed: Array.from({ length: Math.max(0, ROTATIONS - 1) }, hex),
    access_jtis: jtis,
  };
  const row: Issuance = {
    jti: jtis.at(-1)!,
    sub: family.sub,
    client_id: family.client_id,
    resource: family.resource,
    aud: family.aud,
    scope: family.scope,
    grant: ROTATIONS > 0 ? 'refresh_token' : 'authorization_code',
    family_id: fid,
    kid: 'k1',
    issued_at: iso(now),
    expires_at: iso(now + 3600_000),
  };
  return { family, row };
}

async function write(dir: string): Promise<void> {
  const store = await openStore(dir, { durability: 'os', onWarning: () => undefined });
  const now = Date.now();
  for (let i = 0; i < N; i += 2000) {
    const batch: Array<Promise<void>> = [];
    for (let j = i; j < Math.min(N, i + 2000); j++) {
      const { family, row } = sample(j, now);
      batch.push(store.families.put(family, row));
    }
    await Promise.all(batch);
  }
  await store.close();
}

const logOpts = { durability: 'os' as const, warn: () => undefined };

/** Candidate 1: a small record per family and a string map of every hash that finds it. */
function byIdIndex(families: Iterable<RefreshFamily>) {
  const byId = new Map<string, { client_id: string; sub: string; resource: string; revoked: boolean; expires: number; hash: string; seg: number; off: number; len: number }>();
  const byHash = new Map<string, string>();
  let k = 0;
  for (const f of families) {
    const fid = own(f.id);
    const hash = own(f.current.hash);
    // client, sub and resource repeat across families: an index would intern them, so they stay shared here.
    byId.set(fid, { client_id: f.client_id, sub: f.sub, resource: f.resource, revoked: f.revoked_at !== undefined, expires: Date.parse(f.expires_at), hash, seg: 1, off: k * 1500, len: 1500 });
    byHash.set(hash, fid);
    if (f.previous) byHash.set(own(f.previous.hash), fid);
    for (const h of f.consumed) byHash.set(own(h), fid);
    k++;
  }
  return { byId, byHash };
}

/** Candidate 2: facts in typed arrays by slot; 28-bit hash prefixes (small integers) → slot. */
function slotIndex(families: RefreshFamily[]) {
  const n = families.length;
  const ids = new Map<string, number>();
  const expires = new Float64Array(n);
  const where = new Float64Array(n * 2);
  const state = new Uint8Array(n);
  const byPrefix = new Map<number, number>();
  // 28 bits fit a small integer (no boxed number per key); the rare colliding prefixes share the last slot here (a real index keeps a list).
  const prefix = (h: string) => parseInt(h.slice(0, 7), 16);
  families.forEach((f, slot) => {
    ids.set(own(f.id), slot);
    expires[slot] = Date.parse(f.expires_at);
    where[slot * 2] = slot * 1500;
    where[slot * 2 + 1] = 1500;
    state[slot] = f.revoked_at ? 1 : 0;
    byPrefix.set(prefix(f.current.hash), slot);
    if (f.previous) byPrefix.set(prefix(f.previous.hash), slot);
    for (const h of f.consumed) byPrefix.set(prefix(h), slot);
  });
  return { ids, expires, where, state, byPrefix };
}

/**
 * Random positioned reads of whole family lines and their parse: from the first sealed segment's
 * families sidecar, or (fewer families than a segment holds) from the active segment's {"f":…} lines.
 */
function readRows(issuances: string, reads: number): { rows: number; usPerRead: number } {
  const sidecar = path.join(issuances, 'seg-000001.families.jsonl');
  const file = existsSync(sidecar) ? sidecar : path.join(issuances, 'seg-000001.jsonl');
  const wrapped = file !== sidecar;
  const buf = readFileSync(file);
  const lines: Array<[number, number]> = [];
  for (let pos = 0, nl = buf.indexOf(0x0a); nl >= 0; pos = nl + 1, nl = buf.indexOf(0x0a, pos)) {
    if (!wrapped || buf.toString('latin1', pos, pos + 5) === '{"f":') lines.push([pos, nl - pos]);
  }
  const fd = openSync(file, 'r');
  const out = Buffer.allocUnsafe(64 * 1024);
  let check = 0;
  const t = performance.now();
  for (let i = 0; i < reads; i++) {
    const [pos, len] = lines[(Math.random() * lines.length) | 0]!;
    readSync(fd, out, 0, len, pos);
    const value = JSON.parse(out.toString('utf8', 0, len)) as RefreshFamily | { f: RefreshFamily };
    check += ('f' in value ? value.f : value).consumed.length;
  }
  const us = ((performance.now() - t) * 1000) / reads;
  closeSync(fd);
  if (check < 0) throw new Error('unreachable');
  return { rows: lines.length, usPerRead: +us.toFixed(2) };
}

async function main(): Promise<void> {
  const dir = dirArg ?? mkdtempSync(path.join(tmpdir(), 'ap-families-'));
  const t0 = performance.now();
  await write(dir);
  const writeMs = performance.now() - t0;

  // The log alone (no families parsed): the baseline.
  const h0 = heap();
  let t = performance.now();
  const rowsOnly = await SegmentedIssuanceLog.open(dir, { ...logOpts, families: false });
  const rowsOnlyMs = performance.now() - t;
  const h1 = heap();
  await rowsOnly.close();

  // The log with its families and the family index, as openStore builds it.
  const h2 = heap();
  t = performance.now();
  const log = await SegmentedIssuanceLog.open(dir, logOpts);
  const store = LoggedFamilyStore.load(log, log.takeFamilies().values(), Date.now);
  const withFamiliesMs = performance.now() - t;
  const h3 = heap();
  const count = store.size();
  const rows = await Promise.all(store.find({}).map(async (f) => (await store.get(f.id))!));

  const c0 = heap();
  const a = byIdIndex(rows);
  const c1 = heap();
  const b = slotIndex(rows);
  const c2 = heap();
  // Keep both alive until measured.
  if (a.byId.size !== count || b.ids.size !== count) throw new Error('index sizes differ');
  await log.close();
  const readRow = readRows(path.join(dir, 'issuances'), 20_000);
  if (!dirArg) rmSync(dir, { recursive: true, force: true });

  const per = (bytes: number) => Math.round(bytes / count);
  process.stdout.write(
    `${JSON.stringify({
      families: count,
      rotations: ROTATIONS,
      writeMs: Math.round(writeMs),
      open: { rowsOnlyMs: Math.round(rowsOnlyMs), withFamiliesMs: Math.round(withFamiliesMs), usPerFamily: +(((withFamiliesMs - rowsOnlyMs) * 1000) / count).toFixed(2) },
      // The log alone costs a few bytes per row; garbage left by the writing phase can make it negative, so it is never added back.
      heap: { logAloneBytesPerRow: per(h1 - h0), bytesPerFamily: per(h3 - h2 - Math.max(0, h1 - h0)) },
      readRow,
      compact: { byIdBytesPerFamily: per(c1 - c0), slotsBytesPerFamily: per(c2 - c1) },
    })}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
