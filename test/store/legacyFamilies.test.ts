/**
 * A data dir written before the families moved into the token log (fixtures/legacy-families-v1,
 * written by the old store after a power cut: families.jsonl journals rows jti-8 and jti-9 that
 * the issuance log lost) is migrated once at open: the live families and the lost rows go into the
 * token log in one durable write, then families.jsonl is removed.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CorruptDataError } from '../../server/errors';
import { openStore } from '../../server/store/index';
import { T0, useTempDirs, warnings } from './helpers';

const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'legacy-families-v1');
const tempDir = useTempDirs('authplane-legacy-');
const open = (dir: string, w = warnings()) => openStore(dir, { durability: 'fsync', now: () => T0, issuanceSegmentRows: 4, onWarning: w.onWarning });
const jtis = Array.from({ length: 10 }, (_, i) => `jti-${i}`);

async function fixtureCopy(): Promise<string> {
  const dir = tempDir();
  await fsp.cp(FIXTURE, dir, { recursive: true });
  for (const extra of ['README.md', 'generate.txt']) await fsp.rm(path.join(dir, extra));
  return dir;
}

async function expectMigrated(store: Awaited<ReturnType<typeof open>>): Promise<void> {
  expect(store.issuances.count()).toBe(10);
  const listed = (await store.issuances.list({ now: T0, limit: 100 })).rows.map((r) => r.jti);
  expect(listed.sort()).toEqual([...jtis].sort());
  expect(store.issuances.isRevoked('jti-2')).toBe(true);
  // f3 had expired: left out. f1, f4 and f5 rotated once; f2 revoked by an admin.
  expect(store.families.find({}).map((f) => f.id).sort()).toEqual(['f1', 'f2', 'f4', 'f5', 'f6']);
  expect((await store.families.findByTokenHash('h-f1-0'))?.current.hash).toBe('h-f1-1');
  expect((await store.families.get('f4'))?.access_jtis).toEqual(['jti-4', 'jti-8']);
  expect((await store.families.get('f2'))?.revoked_reason).toBe('admin');
}

describe('moving an old families.jsonl into the token log', () => {
  it('restores the rows only the journal held, moves the live families, removes families.jsonl, once', async () => {
    const dir = await fixtureCopy();
    const w = warnings();
    const store = await open(dir, w);
    expect(w.messages).toEqual([
      `${path.join(dir, 'families.jsonl')}: moved 5 refresh families into the token log (${path.join(dir, 'issuances')}) and removed it; 2 issuance row(s) it journaled were missing from the issuance log (lost in a crash before their sync) and have been restored`,
    ]);
    await expectMigrated(store);
    await expect(fsp.access(path.join(dir, 'families.jsonl'))).rejects.toThrow(/ENOENT/);
    await store.close();

    const w2 = warnings();
    const again = await open(dir, w2);
    expect(w2.messages).toEqual([]);
    await expectMigrated(again);
    await again.close();
  });

  it('a crash after the move but before families.jsonl was removed: the next open moves it again, no row twice', async () => {
    const dir = await fixtureCopy();
    const store = await open(dir);
    await store.close();
    // As if the removal never reached the disk.
    await fsp.copyFile(path.join(FIXTURE, 'families.jsonl'), path.join(dir, 'families.jsonl'));
    const w = warnings();
    const again = await open(dir, w);
    expect(w.messages).toEqual([`${path.join(dir, 'families.jsonl')}: moved 5 refresh families into the token log (${path.join(dir, 'issuances')}) and removed it`]);
    await expectMigrated(again);
    await again.close();
  });

  it('a damaged line in families.jsonl stops the open naming file and line, and nothing is moved', async () => {
    const dir = await fixtureCopy();
    const file = path.join(dir, 'families.jsonl');
    const damaged = (await fsp.readFile(file, 'utf8')).replace('\n', '\n{"id": garbage}\n');
    await fsp.writeFile(file, damaged);
    const segments = await fsp.readdir(path.join(dir, 'issuances'));
    const err = await open(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptDataError);
    expect((err as Error).message).toContain(`${file} line 2 is not valid JSON`);
    expect(await fsp.readFile(file, 'utf8')).toBe(damaged);
    // The sidecars of the sealed segments may be written (they are derived); no segment changed.
    expect((await fsp.readdir(path.join(dir, 'issuances'))).filter((n) => !n.endsWith('.families.jsonl')).sort()).toEqual(segments.sort());
    expect(await fsp.readFile(path.join(dir, 'issuances', 'seg-000003.jsonl'), 'utf8')).toBe(await fsp.readFile(path.join(FIXTURE, 'issuances', 'seg-000003.jsonl'), 'utf8'));
  });
});
