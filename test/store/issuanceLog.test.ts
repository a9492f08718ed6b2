import { existsSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Issuance, issuanceState } from '../../server/contracts';
import { CorruptDataError } from '../../server/errors';
import { openStore } from '../../server/store/index';
import { SegmentedIssuanceLog } from '../../server/store/issuanceLog';
import type { IssuanceLog, IssuanceQuery } from '../../server/store/types';
import { iso, issuance, T0, useTempDirs, warnings } from './helpers';

const tempDir = useTempDirs();
const SEG = 1000;
const open = (dataDir: string, warn: (m: string) => void = () => undefined) => SegmentedIssuanceLog.open(dataDir, { durability: 'os', warn, segmentRows: SEG });
const segFiles = async (dataDir: string) => (await fsp.readdir(path.join(dataDir, 'issuances'))).sort();

/** What list() must return: brute force over every row, newest first. */
function expected(rows: Issuance[], revoked: Map<string, { at: string; reason: string }>, q: Omit<IssuanceQuery, 'limit' | 'cursor'>): Issuance[] {
  return rows
    .map((r) => (revoked.has(r.jti) ? { ...r, revoked_at: revoked.get(r.jti)!.at, revoked_reason: revoked.get(r.jti)!.reason } : r))
    .filter((r) => (q.resource === undefined || r.resource === q.resource) && (q.client === undefined || r.client_id === q.client) && (q.sub === undefined || r.sub === q.sub))
    .filter((r) => (q.grant === undefined || r.grant === q.grant) && (q.jti === undefined || r.jti === q.jti))
    .filter((r) => q.state === undefined || issuanceState(r, q.now) === q.state)
    .reverse();
}

/** Follows next_cursor to the end. */
async function listAll(log: IssuanceLog, q: Omit<IssuanceQuery, 'cursor'>): Promise<Issuance[]> {
  const out: Issuance[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const res = await log.list({ ...q, cursor });
    out.push(...res.rows);
    expect(res.rows.length).toBeLessThanOrEqual(q.limit);
    if (!res.next_cursor) return out;
    expect(res.rows.length).toBe(q.limit);
    cursor = res.next_cursor;
  }
  throw new Error('cursor never ended');
}

const stripUndefined = (rows: Issuance[]) => JSON.parse(JSON.stringify(rows)) as Issuance[];

async function checkQueries(log: IssuanceLog, rows: Issuance[], revoked: Map<string, { at: string; reason: string }>) {
  const now = T0 + 2000 * 1000; // rows 0..~1999 s issued; most expire 1 h after issue
  const queries: Array<Omit<IssuanceQuery, 'limit' | 'cursor'>> = [
    { now },
    { now, resource: 'res-1' },
    { now, client: 'client-2', sub: 'user-3' },
    { now, grant: 'client_credentials' },
    { now, state: 'active' },
    { now: T0 + 6000 * 1000, state: 'expired' },
    { now, state: 'revoked' },
    { now, resource: 'res-0', state: 'revoked' },
    { now, jti: 'jti-1234' },
    { now, jti: 'jti-missing' },
    { now, resource: 'no-such-resource' },
  ];
  for (const q of queries) {
    const want = stripUndefined(expected(rows, revoked, q));
    expect(stripUndefined(await listAll(log, { ...q, limit: 97 }))).toEqual(want);
    const first = await log.list({ ...q, limit: 50 });
    expect(stripUndefined(first.rows)).toEqual(want.slice(0, 50));
    expect(first.next_cursor === undefined).toBe(want.length <= 50);
  }
}

describe('issuance log', () => {
  it('seals segments at the boundary, indexes them, and answers every query across sealed + active segments and after reopen', async () => {
    const dir = tempDir();
    const log = await open(dir);
    const rows = Array.from({ length: 2500 }, (_, i) => issuance(i));
    // Concurrent appends in chunks: group commits that cross the segment boundary.
    for (let i = 0; i < rows.length; i += 250) await Promise.all(rows.slice(i, i + 250).map((r) => log.append(r)));
    expect(log.count()).toBe(2500);
    expect(await segFiles(dir)).toEqual(['seg-000001.families.jsonl', 'seg-000001.idx', 'seg-000001.jsonl', 'seg-000002.families.jsonl', 'seg-000002.idx', 'seg-000002.jsonl', 'seg-000003.jsonl']);
    const firstSeg = (await fsp.readFile(path.join(dir, 'issuances', 'seg-000001.jsonl'), 'utf8')).split('\n').filter(Boolean);
    expect(firstSeg).toHaveLength(SEG);
    expect(JSON.parse(firstSeg[0]!)).toEqual({ r: JSON.parse(JSON.stringify(rows[0])) });

    const revoked = new Map<string, { at: string; reason: string }>();
    for (const i of [3, 999, 1000, 1500, 2499, 1234]) {
      const at = iso(T0 + 5000 + i);
      const row = await log.revoke(`jti-${i}`, at, `reason-${i}`);
      expect(row?.revoked_at).toBe(at);
      revoked.set(`jti-${i}`, { at, reason: `reason-${i}` });
    }
    // Idempotent: the first revocation time is kept.
    expect((await log.revoke('jti-3', iso(T0 + 999_999), 'again'))?.revoked_at).toBe(revoked.get('jti-3')!.at);
    expect(await log.revoke('jti-missing', iso(T0), 'x')).toBeUndefined();
    expect(log.isRevoked('jti-999')).toBe(true);
    expect(log.isRevoked('jti-998')).toBe(false);

    expect(await log.get('jti-17')).toEqual(rows[17]);
    expect((await log.get('jti-1000'))?.revoked_reason).toBe('reason-1000');
    expect(await log.get('nope')).toBeUndefined();
    await checkQueries(log, rows, revoked);
    await log.close();

    // Reopen: sealed segments from their .idx, the active one replayed.
    const again = await open(dir);
    expect(again.count()).toBe(2500);
    expect(again.isRevoked('jti-1500')).toBe(true);
    await checkQueries(again, rows, revoked);
    await again.close();

    // Deleted and damaged indexes are rebuilt from the segments, with a warning.
    await fsp.rm(path.join(dir, 'issuances', 'seg-000001.idx'));
    const idx2 = path.join(dir, 'issuances', 'seg-000002.idx');
    const bytes = await fsp.readFile(idx2);
    bytes[bytes.length - 10]! ^= 0xff;
    await fsp.writeFile(idx2, bytes);
    const w = warnings();
    const rebuilt = await open(dir, w.onWarning);
    expect(w.messages.join('\n')).toMatch(/seg-000001\.idx is missing; rebuilding it/);
    expect(w.messages.join('\n')).toMatch(/seg-000002\.idx: its checksum does not match; rebuilding it/);
    expect(existsSync(path.join(dir, 'issuances', 'seg-000001.idx'))).toBe(true);
    expect(rebuilt.isRevoked('jti-3')).toBe(true);
    await checkQueries(rebuilt, rows, revoked);
    await rebuilt.close();
    const quiet = warnings();
    await (await open(dir, quiet.onWarning)).close();
    expect(quiet.messages).toEqual([]);
  });

  it('starts a new segment only when a row arrives after one filled up exactly', async () => {
    const dir = tempDir();
    const log = await open(dir);
    await Promise.all(Array.from({ length: SEG }, (_, i) => log.append(issuance(i))));
    expect(await segFiles(dir)).toEqual(['seg-000001.families.jsonl', 'seg-000001.idx', 'seg-000001.jsonl']);
    await log.close();
    const again = await open(dir);
    await again.append(issuance(SEG));
    expect(await segFiles(dir)).toEqual(['seg-000001.families.jsonl', 'seg-000001.idx', 'seg-000001.jsonl', 'seg-000002.jsonl']);
    expect((await again.list({ now: T0, limit: 2 })).rows.map((r) => r.jti)).toEqual([`jti-${SEG}`, `jti-${SEG - 1}`]);
    await again.close();
  });

  it('group-commits concurrent appends and resolves each only once written', async () => {
    const dir = tempDir();
    const log = await SegmentedIssuanceLog.open(dir, { durability: 'fsync', warn: () => undefined });
    await Promise.all(Array.from({ length: 100 }, (_, i) => log.append(issuance(i))));
    expect(log.fileWrites).toBe(1);
    const text = await fsp.readFile(path.join(dir, 'issuances', 'seg-000001.jsonl'), 'utf8');
    expect(text.split('\n').filter(Boolean)).toHaveLength(100);
    await log.close();
  });

  it('drops a torn last line of the active segment with a warning', async () => {
    const dir = tempDir();
    const log = await open(dir);
    for (let i = 0; i < 1005; i++) await log.append(issuance(i));
    await log.close();
    const active = path.join(dir, 'issuances', 'seg-000002.jsonl');
    await fsp.appendFile(active, '{"r":{"jti":"jti-1005","sub":"user');
    const w = warnings();
    const again = await open(dir, w.onWarning);
    expect(w.messages).toHaveLength(1);
    expect(w.messages[0]).toMatch(/seg-000002\.jsonl: dropped an incomplete last line \(\d+ bytes\).*the 5 complete lines before it are intact/);
    expect(again.count()).toBe(1005);
    await again.append(issuance(1005));
    expect((await again.get('jti-1005'))?.jti).toBe('jti-1005');
    expect((await again.get('jti-1004'))?.jti).toBe('jti-1004');
    await again.close();
    const third = await open(dir);
    expect(third.count()).toBe(1006);
    await third.close();
  });

  it('refuses a corrupt line inside the active segment, naming file and line', async () => {
    const dir = tempDir();
    const log = await open(dir);
    for (let i = 0; i < 3; i++) await log.append(issuance(i));
    await log.close();
    const file = path.join(dir, 'issuances', 'seg-000001.jsonl');
    const text = (await fsp.readFile(file, 'utf8')).split('\n');
    text[1] = '{"r":{"jti":';
    await fsp.writeFile(file, text.join('\n'));
    const err = await open(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptDataError);
    expect((err as Error).message).toContain(`${file} line 2 is not valid JSON`);
  });

  it('rejects a malformed cursor as an invalid request', async () => {
    const log = await open(tempDir());
    await expect(log.list({ now: T0, limit: 5, cursor: 'garbage' })).rejects.toThrow(/cursor is not valid/);
    await log.close();
  });

  it('keeps revocations of rows in sealed segments across reopen (written in later segments)', async () => {
    const dir = tempDir();
    const log = await open(dir);
    for (let i = 0; i < 1200; i += 100) await Promise.all(Array.from({ length: 100 }, (_, k) => log.append(issuance(i + k))));
    await log.revoke('jti-5', iso(T0 + 1), 'early');
    for (let i = 1200; i < 2100; i += 100) await Promise.all(Array.from({ length: 100 }, (_, k) => log.append(issuance(i + k))));
    await log.close();
    // The revocation line lives in seg 2, which is sealed now: it travels in seg 2's .idx.
    const again = await open(dir);
    expect(again.isRevoked('jti-5')).toBe(true);
    const page = await again.list({ now: T0, limit: 10, state: 'revoked' });
    expect(page.rows.map((r) => [r.jti, r.revoked_reason])).toEqual([['jti-5', 'early']]);
    await again.close();
  });

  it('is part of openStore with the segment size option', async () => {
    const dir = tempDir();
    const store = await openStore(dir, { durability: 'os', issuanceSegmentRows: 10 });
    await Promise.all(Array.from({ length: 25 }, (_, i) => store.issuances.append(issuance(i))));
    expect(await segFiles(dir)).toContain('seg-000002.idx');
    await store.close();
    const again = await openStore(dir, { issuanceSegmentRows: 10 });
    expect(again.issuances.count()).toBe(25);
    await again.close();
  });
});

describe('list with since', () => {
  it('keeps rows issued at or after since, across segments and pages, including rows appended slightly out of order', async () => {
    const dir = tempDir();
    const log = await open(dir);
    const rows: Issuance[] = [];
    for (let i = 0; i < 3000; i++) rows.push(issuance(i));
    // Two concurrent issuances may be appended in either order: 2950 lands after 2951.
    [rows[2950], rows[2951]] = [rows[2951]!, rows[2950]!];
    for (const r of rows) await log.append(r);
    const since = T0 + 2900 * 1000;
    const want = rows.filter((r) => Date.parse(r.issued_at) >= since).reverse();
    expect(want).toHaveLength(100);
    expect(await listAll(log, { since, now: T0, limit: 7 })).toEqual(want);
    expect(await listAll(log, { since, sub: 'user-3', now: T0, limit: 5 })).toEqual(want.filter((r) => r.sub === 'user-3'));
    // Older than every row: the whole log; newer than every row: nothing.
    expect(await listAll(log, { since: T0 - 1, now: T0, limit: 1000 })).toHaveLength(3000);
    expect((await log.list({ since: T0 + 4000 * 1000, now: T0, limit: 10 })).rows).toEqual([]);
    await log.close();
  });
});
