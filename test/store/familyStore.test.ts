import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CorruptDataError, FamilyChanged } from '../../server/errors';
import { LoggedFamilyStore } from '../../server/store/familyStore';
import { SegmentedIssuanceLog } from '../../server/store/issuanceLog';
import { openStore } from '../../server/store/index';
import { family, issuance, iso, T0, useTempDirs, warnings } from './helpers';

const tempDir = useTempDirs();
const open = (dir: string, now = T0, over: { onWarning?: (m: string) => void; durability?: 'fsync' | 'os'; issuanceSegmentRows?: number } = {}) =>
  openStore(dir, { durability: 'fsync', now: () => now, onWarning: () => undefined, ...over });
const segment = (dir: string, no = 1) => path.join(dir, 'issuances', `seg-${String(no).padStart(6, '0')}.jsonl`);
const lines = async (file: string) => (await fsp.readFile(file, 'utf8')).split('\n').filter(Boolean);

describe('refresh families', () => {
  it('finds a family by any token hash it ever held, and follows rotations', async () => {
    const store = await open(tempDir());
    const fams = store.families;
    const f0 = family('f1');
    await fams.put(f0);
    expect((await fams.findByTokenHash('h-f1-0'))?.id).toBe('f1');
    const rotated = {
      ...f0,
      current: { hash: 'h-f1-2', issued_at: iso(T0), expires_at: f0.expires_at },
      previous: { hash: 'h-f1-1', issued_at: iso(T0), expires_at: f0.expires_at, consumed_at: iso(T0), grace_until: iso(T0 + 10_000) },
      consumed: ['h-f1-0'],
    };
    await fams.put(rotated);
    for (const h of ['h-f1-0', 'h-f1-1', 'h-f1-2']) expect((await fams.findByTokenHash(h))?.current.hash).toBe('h-f1-2');
    // A hash that left the row leaves the index too.
    await fams.put({ ...rotated, consumed: [] });
    expect(await fams.findByTokenHash('h-f1-0')).toBeUndefined();
    expect(await fams.findByTokenHash('nope')).toBeUndefined();
    await store.close();
  });

  it('shows a staged put to readers at once (two concurrent refreshes cannot both see the old token as current)', async () => {
    const store = await open(tempDir());
    await store.families.put(family('f'));
    const pending = store.families.put({ ...family('f'), current: { ...family('f').current, hash: 'next' }, consumed: ['h-f-0'] });
    expect((await store.families.get('f'))?.current.hash).toBe('next');
    await pending;
    await store.close();
  });

  it('finds by client, sub and resource', async () => {
    const store = await open(tempDir());
    const fams = store.families;
    await Promise.all([
      fams.put(family('a', { client_id: 'c1', sub: 's1', resource: 'r1' })),
      fams.put(family('b', { client_id: 'c1', sub: 's2', resource: 'r1' })),
      fams.put(family('c', { client_id: 'c2', sub: 's1', resource: 'r2' })),
    ]);
    expect(fams.find({ client_id: 'c1' }).map((f) => f.id).sort()).toEqual(['a', 'b']);
    expect(fams.find({ client_id: 'c1', sub: 's1', resource: 'r1' }).map((f) => f.id)).toEqual(['a']);
    expect(fams.find({}).length).toBe(3);
    expect(fams.size()).toBe(3);
    await store.close();
  });

  it('group-commits 100 concurrent puts into one append to the token log and replays them after reopen', async () => {
    const dir = tempDir();
    const store = await open(dir);
    await Promise.all(Array.from({ length: 100 }, (_, i) => store.families.put(family(`f${i}`))));
    expect((store.families as LoggedFamilyStore).fileWrites).toBe(1);
    expect((await lines(segment(dir))).map((l) => Object.keys(JSON.parse(l) as object))).toEqual(Array.from({ length: 100 }, () => ['f']));
    await store.close();
    const again = await open(dir);
    expect(again.families.size()).toBe(100);
    expect((await again.families.findByTokenHash('h-f42-0'))?.id).toBe('f42');
    await again.close();
  });

  it('drops a torn final line with a warning and keeps every complete row', async () => {
    const dir = tempDir();
    const store = await open(dir);
    await store.families.put(family('a'));
    await store.families.put(family('b'));
    await store.close();
    await fsp.appendFile(segment(dir), `{"f":${JSON.stringify(family('c'))}}`.slice(0, 40)); // crash mid-write
    const w = warnings();
    const again = await open(dir, T0, { onWarning: w.onWarning });
    expect(w.messages).toHaveLength(1);
    expect(w.messages[0]).toMatch(/seg-000001\.jsonl: dropped an incomplete last line \(40 bytes\)/);
    expect(again.families.size()).toBe(2);
    expect(await again.families.get('c')).toBeUndefined();
    // The tail is gone from disk, so the next append starts on a clean line.
    await again.families.put(family('d'));
    await again.close();
    const third = await open(dir);
    expect(third.families.size()).toBe(3);
    await third.close();
  });

  it('refuses a corrupt line in the middle, naming file and line', async () => {
    const dir = tempDir();
    const file = segment(dir);
    await fsp.mkdir(path.dirname(file), { recursive: true });
    const f = (id: string) => `{"f":${JSON.stringify(family(id))}}`;
    const content = [f('a'), '{"f": oops', f('b'), ''].join('\n');
    await fsp.writeFile(file, content);
    const err = await open(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptDataError);
    expect((err as Error).message).toContain(`${file} line 2 is not valid JSON`);
    expect(await fsp.readFile(file, 'utf8')).toBe(content);
    // A parseable family line that is not a family is also corruption.
    await fsp.writeFile(file, [f('a'), '{"f":{"nope":1}}', ''].join('\n'));
    await expect(open(dir)).rejects.toThrow(/line 2 is not a refresh family row \(it has no "id"\)/);
  });

  it('leaves out at open what is dead: expired families and day-old revocations; the last state of a family wins', async () => {
    const dir = tempDir();
    const store = await open(dir);
    await store.families.put(family('live'));
    await store.families.put({ ...family('live'), scope: 'read write' });
    await store.families.put(family('expired', { expires_at: iso(T0 + 1000) }));
    await store.families.put(family('revoked-old', { revoked_at: iso(T0), revoked_reason: 'x' }));
    await store.families.put(family('revoked-new', { revoked_at: iso(T0 + 2 * 86400_000 - 1000), revoked_reason: 'x' }));
    await store.close();

    const later = T0 + 2 * 86400_000; // the expired one is past, revoked-old was revoked 2 days ago
    const again = await open(dir, later);
    expect(again.families.find({}).map((f) => f.id).sort()).toEqual(['live', 'revoked-new']);
    expect((await again.families.get('live'))?.scope).toBe('read write');
    // The log is append-only: nothing was rewritten.
    expect(await lines(segment(dir))).toHaveLength(5);
    await again.close();
  });

  it('sweeps dead families out of memory while running, once the puts since the last sweep exceed 2x live and 10k', async () => {
    let now = T0;
    const dir = tempDir();
    const store = await openStore(dir, { durability: 'os', now: () => now });
    await Promise.all(Array.from({ length: 100 }, (_, i) => store.families.put(family(`short${i}`, { expires_at: iso(T0 + 1000) }))));
    now = T0 + 2000;
    for (let round = 0; round < 11; round++) {
      await Promise.all(Array.from({ length: 1000 }, (_, i) => store.families.put(family(`f${i % 10}`, { scope: `s${round}-${i}` }))));
    }
    expect(store.families.size()).toBe(10);
    expect(await store.families.findByTokenHash('h-short3-0')).toBeUndefined();
    await store.close();
    const again = await openStore(dir, { durability: 'fsync', now: () => now });
    expect((await again.families.get('f3'))?.scope).toBe('s10-993');
    expect(again.families.size()).toBe(10);
    await again.close();
  });

  it('writes a token and its family change as one durable append: the row line, then the family line', async () => {
    const dir = tempDir();
    const store = await open(dir);
    const row = issuance(1, { family_id: 'f1', grant: 'authorization_code' });
    await store.families.put(family('f1', { access_jtis: [row.jti] }), row);
    expect((store.families as LoggedFamilyStore).fileWrites).toBe(1);
    expect((await lines(segment(dir))).map((l) => JSON.parse(l) as unknown)).toEqual([{ r: row }, { f: family('f1', { access_jtis: [row.jti] }) }]);
    expect(await store.issuances.get(row.jti)).toEqual(row);
    expect(store.issuances.count()).toBe(1);
    await store.close();
    // Nothing else in the data dir holds either: no second file to keep in step.
    expect((await fsp.readdir(dir)).filter((n) => n.endsWith('.jsonl'))).toEqual([]);
  });

  it('reads the families of sealed segments from their sidecar, and rebuilds a sidecar that is missing', async () => {
    const dir = tempDir();
    const store = await open(dir, T0, { issuanceSegmentRows: 2 });
    for (let i = 0; i < 5; i++) {
      const row = issuance(i, { family_id: `f${i % 2}` });
      await store.families.put(family(`f${i % 2}`, { scope: `s${i}`, access_jtis: [row.jti] }), row);
    }
    await store.close();
    const sidecar = path.join(dir, 'issuances', 'seg-000001.families.jsonl');
    // Two rows sealed segment 1: one line per family changed in it, the last state, plain rows.
    expect((await lines(sidecar)).map((l) => (JSON.parse(l) as { id: string; scope: string }).scope).sort()).toEqual(['s0', 's1']);
    await fsp.rm(sidecar);
    const w = warnings();
    const again = await open(dir, T0, { onWarning: w.onWarning, issuanceSegmentRows: 2 });
    expect(w.messages).toEqual([`${sidecar} is missing; rebuilt it from ${segment(dir)}`]);
    expect((await again.families.get('f0'))?.scope).toBe('s4');
    expect((await again.families.get('f1'))?.scope).toBe('s3');
    expect(again.issuances.count()).toBe(5);
    await again.close();
    expect(await lines(sidecar)).toHaveLength(2);
  });

  it('refuses a put made on a read that another change followed (FamilyChanged), staging nothing; the latest read passes', async () => {
    const store = await open(tempDir());
    const fams = store.families;
    await fams.put(family('f'));
    const stale = (await fams.read('f'))!;
    await fams.put({ ...family('f'), scope: 'by-the-winner' }, undefined, { expect: stale.generation });
    const lost = await fams.put({ ...family('f'), scope: 'by-the-loser' }, undefined, { expect: stale.generation }).catch((e: unknown) => e);
    expect(lost).toBeInstanceOf(FamilyChanged);
    expect((await fams.get('f'))?.scope).toBe('by-the-winner');
    const fresh = (await fams.read('f'))!;
    await fams.put({ ...fresh.family, scope: 'next' }, undefined, { expect: fresh.generation });
    expect((await fams.get('f'))?.scope).toBe('next');
    // A family that is not there has generation 0: a put expecting a read of it fails too.
    await expect(fams.put(family('gone'), undefined, { expect: stale.generation })).rejects.toBeInstanceOf(FamilyChanged);
    expect(fams.has('gone')).toBe(false);
    await store.close();
  });

  it('with every token hash sharing one index prefix, each token still finds its own family, before and after a reopen', async () => {
    const dir = tempDir();
    const collide = { prefix: () => 7 };
    const openFams = async () => {
      const log = await SegmentedIssuanceLog.open(dir, { durability: 'os', warn: () => undefined, segmentRows: 3 });
      return { log, fams: LoggedFamilyStore.load(log, log.takeFamilies().values(), () => T0, collide) };
    };
    const first = await openFams();
    const rotated = (id: string) => ({ ...family(id), current: { ...family(id).current, hash: `h-${id}-1` }, consumed: [`h-${id}-0`] });
    for (let i = 0; i < 5; i++) await first.fams.put(family(`f${i}`), issuance(i, { family_id: `f${i}` }));
    await first.fams.put(rotated('f2'), issuance(9, { family_id: 'f2' }));
    const expectOwn = async (fams: LoggedFamilyStore) => {
      for (let i = 0; i < 5; i++) expect((await fams.findByTokenHash(`h-f${i}-0`))?.id).toBe(`f${i}`);
      expect((await fams.findByTokenHash('h-f2-1'))?.current.hash).toBe('h-f2-1');
      expect(await fams.findByTokenHash('h-nobody-0')).toBeUndefined();
    };
    await expectOwn(first.fams);
    await first.log.close();
    // Reopened: rows now come from sealed segments' sidecars and the active segment.
    const again = await openFams();
    expect(again.fams.size()).toBe(5);
    await expectOwn(again.fams);
    await again.log.close();
  });

  it('keeps no row in memory once its write is durable: a read parses the line again from the token log', async () => {
    const store = await open(tempDir());
    await store.families.put(family('f'));
    const a = await store.families.get('f');
    const b = await store.families.get('f');
    expect(a).toEqual(family('f'));
    expect(a).not.toBe(b);
    await store.close();
  });
});
