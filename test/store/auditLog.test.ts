import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AppEvent } from '../../server/contracts';
import { SegmentedAuditLog } from '../../server/store/auditLog';
import { openStore } from '../../server/store/index';
import { iso, T0, useTempDirs, warnings } from './helpers';

const tempDir = useTempDirs();
const event = (i: number): AppEvent => ({ type: 'token.revoked', at: iso(T0 + i), data: { jti: `jti-${i}`, reason: 'x'.repeat(50) } });
const jtis = (events: AppEvent[]) => events.map((e) => (e.data as { jti: string }).jti);

describe('audit log', () => {
  it('batches appends, tails newest first (flushed or not) and survives a reopen', async () => {
    const dir = tempDir();
    const log = await SegmentedAuditLog.open(dir, { durability: 'os', warn: () => undefined });
    for (let i = 0; i < 10; i++) log.append(event(i));
    // Not written yet (batched), but tail still sees them.
    expect(jtis(await log.tail(3))).toEqual(['jti-9', 'jti-8', 'jti-7']);
    await log.flush();
    const text = await fsp.readFile(path.join(dir, 'audit', 'audit-000001.jsonl'), 'utf8');
    expect(text.split('\n').filter(Boolean)).toHaveLength(10);
    log.append(event(10));
    await log.close();
    const again = await SegmentedAuditLog.open(dir, { durability: 'os', warn: () => undefined });
    expect(jtis(await again.tail(100))).toEqual(Array.from({ length: 11 }, (_, k) => `jti-${10 - k}`));
    await again.close();
  });

  it('flushes on its own within ~100 ms', async () => {
    const dir = tempDir();
    const log = await SegmentedAuditLog.open(dir, { durability: 'os', warn: () => undefined });
    log.append(event(1));
    await new Promise((r) => setTimeout(r, 300));
    expect(await fsp.readFile(path.join(dir, 'audit', 'audit-000001.jsonl'), 'utf8')).toContain('jti-1');
    await log.close();
  });

  it('rotates segments by size and keeps only the newest ones', async () => {
    const dir = tempDir();
    const log = await SegmentedAuditLog.open(dir, { durability: 'os', warn: () => undefined, segmentBytes: 2000, keepSegments: 3 });
    for (let i = 0; i < 200; i++) {
      log.append(event(i));
      if (i % 10 === 9) await log.flush();
    }
    await log.flush();
    const names = (await fsp.readdir(path.join(dir, 'audit'))).sort();
    expect(names).toHaveLength(3);
    for (const n of names) expect((await fsp.stat(path.join(dir, 'audit', n))).size).toBeLessThanOrEqual(2000);
    // tail reads across segment boundaries, newest first, as far as the kept segments go.
    const tail = jtis(await log.tail(1000));
    expect(tail[0]).toBe('jti-199');
    expect(tail).toEqual(Array.from({ length: tail.length }, (_, k) => `jti-${199 - k}`));
    expect(tail.length).toBeGreaterThan(20);
    await log.close();
  });

  it('cuts a torn last line at open with a warning', async () => {
    const dir = tempDir();
    const log = await SegmentedAuditLog.open(dir, { durability: 'os', warn: () => undefined });
    log.append(event(1));
    log.append(event(2));
    await log.close();
    await fsp.appendFile(path.join(dir, 'audit', 'audit-000001.jsonl'), '{"type":"tok');
    const w = warnings();
    const again = await SegmentedAuditLog.open(dir, { durability: 'os', warn: w.onWarning });
    expect(w.messages[0]).toMatch(/audit-000001\.jsonl: dropped an incomplete last line/);
    again.append(event(3));
    expect(jtis(await again.tail(10))).toEqual(['jti-3', 'jti-2', 'jti-1']);
    await again.close();
  });

  it('is flushed by store.close()', async () => {
    const dir = tempDir();
    const store = await openStore(dir, { durability: 'os' });
    store.audit.append(event(42));
    await store.close();
    const again = await openStore(dir, { durability: 'os' });
    expect(jtis(await again.audit.tail(5))).toEqual(['jti-42']);
    await again.close();
  });
});
