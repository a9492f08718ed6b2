/**
 * Correctness at scale: 200,000 rows written by the bulk writer (4 sealed segments of 50,000),
 * then opened and queried through openStore. Timing is measured by the benchmark, not here.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Issuance } from '../../server/contracts';
import { openStore } from '../../server/store/index';
import { writeIssuanceSegments } from '../../server/store/issuanceBulkWrite';
import { iso, T0, useTempDirs } from './helpers';

const tempDir = useTempDirs();
const N = 200_000;
const GRANTS = ['authorization_code', 'refresh_token', 'client_credentials'] as const;

function row(i: number): Issuance {
  const issued = T0 + i * 1000;
  const r: Issuance = {
    jti: `bulk-${i}`,
    sub: `user-${i % 1000}`,
    client_id: `client-${i % 13}`,
    resource: `res-${i % 5}`,
    aud: `https://res-${i % 5}.example/mcp`,
    scope: 'tools:read tools:call',
    grant: GRANTS[i % 3]!,
    family_id: `fam-${i % 997}`,
    kid: 'k1',
    issued_at: iso(issued),
    expires_at: iso(issued + 900_000),
  };
  if (i % 10_007 === 0) Object.assign(r, { revoked_at: iso(issued + 1000), revoked_reason: 'bulk' });
  return r;
}

function* rows(n: number): Generator<Issuance> {
  for (let i = 0; i < n; i++) yield row(i);
}

describe('issuance log at 200,000 rows', () => {
  it('opens from the bulk-written segments and answers queries correctly', async () => {
    const dir = tempDir();
    expect(await writeIssuanceSegments(dir, rows(N))).toEqual({ rows: N, segments: 4 });
    const names = (await fsp.readdir(path.join(dir, 'issuances'))).sort();
    expect(names).toEqual([1, 2, 3, 4].flatMap((n) => [`seg-00000${n}.families.jsonl`, `seg-00000${n}.idx`, `seg-00000${n}.jsonl`]));
    await expect(writeIssuanceSegments(dir, rows(1))).rejects.toThrow(/already holds issuance segments/);

    const store = await openStore(dir, { durability: 'os' });
    const log = store.issuances;
    expect(log.count()).toBe(N);
    const now = T0 + (N - 100) * 1000; // the newest ~1,000 rows are still active

    const first = await log.list({ now, limit: 50 });
    expect(first.rows.map((r) => r.jti)).toEqual(Array.from({ length: 50 }, (_, k) => `bulk-${N - 1 - k}`));
    expect(first.rows[0]).toEqual(row(N - 1));
    const second = await log.list({ now, limit: 50, cursor: first.next_cursor });
    expect(second.rows[0]!.jti).toBe(`bulk-${N - 51}`);

    // A filter that matches 200 rows spread over every segment, paged to the end.
    const bySub: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await log.list({ now, limit: 50, sub: 'user-7', cursor });
      bySub.push(...page.rows.map((r) => r.jti));
      cursor = page.next_cursor;
    } while (cursor);
    expect(bySub).toEqual(Array.from({ length: 200 }, (_, k) => `bulk-${N - 1000 + 7 - k * 1000}`));

    const combo = await log.list({ now, limit: 5, resource: 'res-2', client: 'client-4', grant: 'refresh_token' });
    const comboWant = [];
    for (let i = N - 1; i >= 0 && comboWant.length < 5; i--) if (i % 5 === 2 && i % 13 === 4 && i % 3 === 1) comboWant.push(`bulk-${i}`);
    expect(combo.rows.map((r) => r.jti)).toEqual(comboWant);

    const revoked = await log.list({ now, limit: 100, state: 'revoked' });
    const revokedWant = [];
    for (let i = N - 1; i >= 0; i--) if (i % 10_007 === 0) revokedWant.push(`bulk-${i}`);
    expect(revoked.rows.map((r) => r.jti)).toEqual(revokedWant);
    expect(log.isRevoked('bulk-10007')).toBe(true);

    const active = await log.list({ now, limit: 5000, state: 'active' });
    const activeWant = [];
    for (let i = N - 1; i >= 0; i--) if (T0 + i * 1000 + 900_000 > now && i % 10_007 !== 0) activeWant.push(`bulk-${i}`);
    expect(active.rows.map((r) => r.jti)).toEqual(activeWant);

    expect(await log.get('bulk-5')).toEqual(row(5));
    expect(await log.get(`bulk-${N - 1}`)).toEqual(row(N - 1));
    expect((await log.list({ now, limit: 5, jti: 'bulk-123456' })).rows).toEqual([row(123456)]);

    expect((await log.revoke('bulk-12345', iso(now), 'test'))?.revoked_reason).toBe('test');
    await log.append(row(N));
    await store.close();

    const again = await openStore(dir, { durability: 'os' });
    expect(again.issuances.count()).toBe(N + 1);
    expect(again.issuances.isRevoked('bulk-12345')).toBe(true);
    expect((await again.issuances.list({ now, limit: 1 })).rows[0]!.jti).toBe(`bulk-${N}`);
    await again.close();
  });
});
