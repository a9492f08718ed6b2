import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CorruptDataError } from '../../server/errors';
import { JsonlFamilyStore } from '../../server/store/familyStore';
import { openStore } from '../../server/store/index';
import { family, iso, T0, useTempDirs, warnings } from './helpers';

const tempDir = useTempDirs();
const ctx = (now = T0) => ({ durability: 'fsync' as const, now: () => now, warn: () => undefined });
const lines = async (file: string) => (await fsp.readFile(file, 'utf8')).split('\n').filter(Boolean);

describe('refresh families', () => {
  it('finds a family by any token hash it ever held, and follows rotations', async () => {
    const dir = tempDir();
    const store = await JsonlFamilyStore.open(dir, ctx());
    const f0 = family('f1');
    await store.put(f0);
    expect(store.findByTokenHash('h-f1-0')?.id).toBe('f1');
    const rotated = {
      ...f0,
      current: { hash: 'h-f1-2', issued_at: iso(T0), expires_at: f0.expires_at },
      previous: { hash: 'h-f1-1', issued_at: iso(T0), expires_at: f0.expires_at, consumed_at: iso(T0), grace_until: iso(T0 + 10_000) },
      consumed: ['h-f1-0'],
    };
    await store.put(rotated);
    for (const h of ['h-f1-0', 'h-f1-1', 'h-f1-2']) expect(store.findByTokenHash(h)?.current.hash).toBe('h-f1-2');
    // A hash that left the row leaves the index too.
    await store.put({ ...rotated, consumed: [] });
    expect(store.findByTokenHash('h-f1-0')).toBeUndefined();
    expect(store.findByTokenHash('nope')).toBeUndefined();
    await store.close();
  });

  it('shows a staged put to readers at once (two concurrent refreshes cannot both see the old token as current)', async () => {
    const store = await JsonlFamilyStore.open(tempDir(), ctx());
    await store.put(family('f'));
    const pending = store.put({ ...family('f'), current: { ...family('f').current, hash: 'next' }, consumed: ['h-f-0'] });
    expect(store.get('f')?.current.hash).toBe('next');
    await pending;
    await store.close();
  });

  it('finds by client, sub and resource', async () => {
    const store = await JsonlFamilyStore.open(tempDir(), ctx());
    await Promise.all([
      store.put(family('a', { client_id: 'c1', sub: 's1', resource: 'r1' })),
      store.put(family('b', { client_id: 'c1', sub: 's2', resource: 'r1' })),
      store.put(family('c', { client_id: 'c2', sub: 's1', resource: 'r2' })),
    ]);
    expect(store.find({ client_id: 'c1' }).map((f) => f.id).sort()).toEqual(['a', 'b']);
    expect(store.find({ client_id: 'c1', sub: 's1', resource: 'r1' }).map((f) => f.id)).toEqual(['a']);
    expect(store.find({}).length).toBe(3);
    expect(store.size()).toBe(3);
    await store.close();
  });

  it('group-commits 100 concurrent puts into one append and replays them after reopen', async () => {
    const dir = tempDir();
    const store = await JsonlFamilyStore.open(dir, ctx());
    await Promise.all(Array.from({ length: 100 }, (_, i) => store.put(family(`f${i}`))));
    expect(store.fileWrites).toBe(1);
    expect(await lines(path.join(dir, 'families.jsonl'))).toHaveLength(100);
    await store.close();
    const again = await JsonlFamilyStore.open(dir, ctx());
    expect(again.size()).toBe(100);
    expect(again.findByTokenHash('h-f42-0')?.id).toBe('f42');
    await again.close();
  });

  it('drops a torn final line with a warning and keeps every complete row', async () => {
    const dir = tempDir();
    const store = await JsonlFamilyStore.open(dir, ctx());
    await store.put(family('a'));
    await store.put(family('b'));
    await store.close();
    const file = path.join(dir, 'families.jsonl');
    await fsp.appendFile(file, JSON.stringify(family('c')).slice(0, 40)); // crash mid-write
    const w = warnings();
    const again = await JsonlFamilyStore.open(dir, { ...ctx(), warn: w.onWarning });
    expect(w.messages).toHaveLength(1);
    expect(w.messages[0]).toMatch(/families\.jsonl: dropped an incomplete last line \(40 bytes\)/);
    expect(again.size()).toBe(2);
    expect(again.get('c')).toBeUndefined();
    // The tail is gone from disk, so the next append starts on a clean line.
    await again.put(family('d'));
    await again.close();
    const third = await JsonlFamilyStore.open(dir, ctx());
    expect(third.size()).toBe(3);
    await third.close();
  });

  it('refuses a corrupt line in the middle, naming file and line', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'families.jsonl');
    const content = [JSON.stringify(family('a')), '{"id": oops', JSON.stringify(family('b')), ''].join('\n');
    await fsp.writeFile(file, content);
    const err = await JsonlFamilyStore.open(dir, ctx()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptDataError);
    expect((err as Error).message).toContain(`${file} line 2 is not valid JSON`);
    expect(await fsp.readFile(file, 'utf8')).toBe(content);
    // A parseable line that is not a family is also corruption.
    await fsp.writeFile(file, [JSON.stringify(family('a')), '{"nope":1}', ''].join('\n'));
    await expect(JsonlFamilyStore.open(dir, ctx())).rejects.toThrow(/line 2 is not a refresh family row \(it has no "id"\)/);
  });

  it('compacts at open: superseded snapshots, expired families and day-old revocations go', async () => {
    const dir = tempDir();
    const store = await JsonlFamilyStore.open(dir, ctx());
    await store.put(family('live'));
    await store.put({ ...family('live'), scope: 'read write' });
    await store.put(family('expired', { expires_at: iso(T0 + 1000) }));
    await store.put(family('revoked-old', { revoked_at: iso(T0), revoked_reason: 'x' }));
    await store.put(family('revoked-new', { revoked_at: iso(T0 + 2 * 86400_000 - 1000), revoked_reason: 'x' }));
    await store.close();
    const file = path.join(dir, 'families.jsonl');
    expect(await lines(file)).toHaveLength(5);

    const later = T0 + 2 * 86400_000; // the expired one is past, revoked-old was revoked 2 days ago
    const again = await JsonlFamilyStore.open(dir, ctx(later));
    expect(again.find({}).map((f) => f.id).sort()).toEqual(['live', 'revoked-new']);
    expect(again.get('live')?.scope).toBe('read write');
    expect(await lines(file)).toHaveLength(2);
    await again.close();
  });

  it('compacts while running once dead lines exceed 2x live and 10k', async () => {
    const dir = tempDir();
    const store = await JsonlFamilyStore.open(dir, { ...ctx(), durability: 'os' });
    const file = path.join(dir, 'families.jsonl');
    for (let round = 0; round < 12; round++) {
      await Promise.all(Array.from({ length: 1000 }, (_, i) => store.put(family(`f${i % 10}`, { scope: `s${round}-${i}` }))));
    }
    // 12,000 lines for 10 live rows: compacted back to the live rows at least once.
    expect((await lines(file)).length).toBeLessThan(3000);
    expect(store.size()).toBe(10);
    await store.close();
    const again = await JsonlFamilyStore.open(dir, ctx());
    expect(again.get('f3')?.scope).toBe('s11-993');
    await again.close();
  });

  it('is part of openStore', async () => {
    const dir = tempDir();
    const store = await openStore(dir, { now: () => T0 });
    await store.families.put(family('x'));
    await store.close();
    const again = await openStore(dir, { now: () => T0 });
    expect(again.families.findByTokenHash('h-x-0')?.id).toBe('x');
    await again.close();
  });
});
