/**
 * families.jsonl journals the issuance rows of tokens minted with a family change: the row and the
 * family go to disk in one durable line, the issuance log gets the row unsynced and is synced at
 * checkpoints. A row the issuance log lost (the page cache gone in a power cut, simulated here by
 * cutting the segment back) is restored from the journal at the next open.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../server/store/index';
import { family, issuance, T0, useTempDirs, warnings } from './helpers';

const tempDir = useTempDirs('authplane-journal-');
const lines = async (file: string) => (await fsp.readFile(file, 'utf8')).split('\n').filter(Boolean);
const segment = (dir: string) => path.join(dir, 'issuances', 'seg-000001.jsonl');
const open = (dir: string, w = warnings()) => openStore(dir, { durability: 'fsync', now: () => T0, onWarning: w.onWarning });

/** A copy of `dir` as a power cut would leave it if the segment's unsynced tail was lost. */
async function afterPowerCut(dir: string, keepSegmentBytes: number): Promise<string> {
  const copy = tempDir();
  await fsp.cp(dir, copy, { recursive: true });
  await fsp.rm(path.join(copy, 'server.lock'), { force: true });
  await fsp.truncate(segment(copy), keepSegmentBytes);
  return copy;
}

describe('the token journal in families.jsonl', () => {
  it('writes the issuance row and the family in one write, and the row reaches the issuance log', async () => {
    const dir = tempDir();
    const store = await open(dir);
    const row = issuance(1, { family_id: 'f1', grant: 'authorization_code' });
    await store.families.put(family('f1', { access_jtis: [row.jti] }), row);
    const journal = await lines(path.join(dir, 'families.jsonl'));
    expect(journal.map((l) => JSON.parse(l))).toEqual([{ issuance: row }, family('f1', { access_jtis: [row.jti] })]);
    expect(await store.issuances.get(row.jti)).toEqual(row);
    expect(store.families.get('f1')).toEqual(family('f1', { access_jtis: [row.jti] }));
    await store.close();
    // A clean close syncs the issuance log and says so.
    expect(JSON.parse((await lines(path.join(dir, 'families.jsonl'))).at(-1)!)).toEqual({ checkpoint: 'all' });
  });

  it('restores rows the issuance log lost after a crash, once, with a warning', async () => {
    const dir = tempDir();
    const store = await open(dir);
    // One row synced the ordinary way, then three journaled ones (not yet synced in the log).
    await store.issuances.append(issuance(0, { family_id: undefined, grant: 'client_credentials' }));
    const synced = (await fsp.stat(segment(dir))).size;
    const rows = [1, 2, 3].map((i) => issuance(i, { family_id: `f${i}`, grant: 'refresh_token' }));
    await Promise.all(rows.map((r, k) => store.families.put(family(`f${k + 1}`, { access_jtis: [r.jti] }), r)));

    const w = warnings();
    const copy = await afterPowerCut(dir, synced);
    await store.close();
    const reopened = await open(copy, w);
    expect(reopened.issuances.count()).toBe(4);
    for (const r of rows) expect(await reopened.issuances.get(r.jti)).toEqual(r);
    expect(w.messages.join('\n')).toMatch(/3 issuance row\(s\) journaled here were missing from the issuance log .* restored/);
    for (let i = 1; i <= 3; i++) expect(reopened.families.get(`f${i}`)?.access_jtis).toEqual([`jti-${i}`]);
    await reopened.close();

    const w2 = warnings();
    const again = await open(copy, w2);
    expect(again.issuances.count()).toBe(4);
    expect(w2.messages).toEqual([]);
    await again.close();
  });

  it('restores only what is missing when the pending rows span several segments: no duplicate jti', async () => {
    const dir = tempDir();
    const opts = { durability: 'fsync' as const, now: () => T0, issuanceSegmentRows: 4 };
    const store = await openStore(dir, opts);
    const rows = Array.from({ length: 10 }, (_, i) => issuance(100 + i, { family_id: `f${i}`, grant: 'refresh_token' }));
    for (const [i, r] of rows.entries()) await store.families.put(family(`f${i}`, { access_jtis: [r.jti] }), r);
    // Rows 1-8 are in two sealed segments (synced when sealed); 9 and 10 in the active one.
    const active = path.join(dir, 'issuances', 'seg-000003.jsonl');
    const keep = (await fsp.readFile(active, 'utf8')).split('\n')[0]!.length + 1;
    const copy = tempDir();
    await fsp.cp(dir, copy, { recursive: true });
    await fsp.rm(path.join(copy, 'server.lock'), { force: true });
    await fsp.truncate(path.join(copy, 'issuances', 'seg-000003.jsonl'), keep);
    await store.close();
    const w = warnings();
    const reopened = await openStore(copy, { ...opts, onWarning: w.onWarning });
    expect(w.messages.join('\n')).toMatch(/1 issuance row\(s\) journaled here were missing/);
    const listed = (await reopened.issuances.list({ now: T0, limit: 100 })).rows.map((r) => r.jti);
    expect(listed.sort()).toEqual(rows.map((r) => r.jti).sort());
    await reopened.close();
  });

  it('trusts what a checkpoint covers: rows before the second-to-last checkpoint are not looked up again', async () => {
    const dir = tempDir();
    const store = await open(dir);
    const put = (i: number) => {
      const r = issuance(i, { family_id: `f${i}`, grant: 'authorization_code' });
      return store.families.put(family(`f${i}`, { access_jtis: [r.jti] }), r);
    };
    await put(1);
    const fam = store.families as unknown as { checkpoint(): Promise<void> };
    await fam.checkpoint();
    await put(2);
    await fam.checkpoint();
    const afterTwo = (await fsp.stat(segment(dir))).size;
    await put(3);
    const journal = (await lines(path.join(dir, 'families.jsonl'))).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(journal.map((l) => ('checkpoint' in l ? 'c' : 'issuance' in l ? (l.issuance as { jti: string }).jti : l.id))).toEqual(['jti-1', 'f1', 'c', 'jti-2', 'f2', 'c', 'jti-3', 'f3']);

    // Lose every row from the log: only those after the second-to-last checkpoint (jti-2, jti-3)
    // come back; jti-1 was synced before checkpoint 2 was written, so it is not looked for.
    const copy = await afterPowerCut(dir, 0);
    await store.close();
    const w = warnings();
    const reopened = await open(copy, w);
    expect(await reopened.issuances.get('jti-1')).toBeUndefined();
    expect(await reopened.issuances.get('jti-2')).toBeDefined();
    expect(await reopened.issuances.get('jti-3')).toBeDefined();
    expect(w.messages.join('\n')).toMatch(/2 issuance row\(s\)/);
    expect(afterTwo).toBeGreaterThan(0);
    await reopened.close();
  });

  it('a damaged journal line that is still pending is reported with its line number', async () => {
    const dir = tempDir();
    await fsp.writeFile(path.join(dir, 'families.jsonl'), '{"issuance":{"jti":1}}\n' + JSON.stringify(family('f')) + '\n', { mode: 0o600 });
    await expect(open(dir)).rejects.toThrow(/families\.jsonl.*line 1/);
  });

  it('a family change without a new token is one ordinary line, and old plain lines still open', async () => {
    const dir = tempDir();
    await fsp.writeFile(path.join(dir, 'families.jsonl'), JSON.stringify(family('old')) + '\n', { mode: 0o600 });
    const store = await open(dir);
    expect(store.families.get('old')?.id).toBe('old');
    await store.families.put({ ...family('old'), revoked_at: new Date(T0).toISOString(), revoked_reason: 'admin' });
    const journal = await lines(path.join(dir, 'families.jsonl'));
    expect(JSON.parse(journal.at(-1)!)).toMatchObject({ id: 'old', revoked_reason: 'admin' });
    await store.close();
  });
});
