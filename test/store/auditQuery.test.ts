/** The audit trail can be queried: by type (or group), subject, client, resource and time, over every kept segment. */
import { describe, expect, it } from 'vitest';
import type { AppEvent } from '../../server/contracts';
import { SegmentedAuditLog } from '../../server/store/auditLog';
import { iso, issuance, T0, useTempDirs } from './helpers';

const tempDir = useTempDirs();

function events(): AppEvent[] {
  const out: AppEvent[] = [];
  for (let i = 0; i < 300; i++) {
    const row = issuance(i, { sub: i % 3 === 0 ? 'alice' : 'bob', client_id: i % 2 ? 'agent-a' : 'agent-b', resource: i % 5 === 0 ? 'mcp-b' : 'mcp-a' });
    out.push({ type: 'token.issued', at: iso(T0 + i * 60_000), data: { issuance: row } });
    if (i % 10 === 0) out.push({ type: 'token.revoked', at: iso(T0 + i * 60_000 + 1), data: { jti: row.jti, reason: 'admin' } });
  }
  out.push({ type: 'client.deleted', at: iso(T0 + 300 * 60_000), data: { client_id: 'agent-a' } });
  out.push({ type: 'resource.deleted', at: iso(T0 + 300 * 60_000 + 1), data: { slug: 'mcp-b' } });
  return out;
}

describe('audit query', () => {
  it('filters over rotated segments and unwritten events alike, newest first', async () => {
    const dir = tempDir();
    // Small segments: the 332 events span many files, and the last ones are still buffered.
    const log = await SegmentedAuditLog.open(dir, { durability: 'os', warn: () => undefined, segmentBytes: 4096, keepSegments: 1000 });
    const all = events();
    for (const e of all.slice(0, 320)) log.append(e);
    await log.flush();
    for (const e of all.slice(320)) log.append(e);

    const revoked = await log.query({ type: 'token.revoked' }, 1000);
    expect(revoked).toHaveLength(30);
    expect(revoked[0]!.at > revoked[29]!.at).toBe(true);
    // A group name matches its types; a prefix that is not a group does not.
    expect(await log.query({ type: 'token' }, 1000)).toHaveLength(330);
    expect(await log.query({ type: 'tok' }, 1000)).toHaveLength(0);

    const alice = await log.query({ sub: 'alice' }, 1000);
    expect(alice).toHaveLength(100);
    expect(alice.every((e) => e.type === 'token.issued' && e.data.issuance.sub === 'alice')).toBe(true);
    const clientA = await log.query({ client: 'agent-a' }, 1000);
    expect(clientA).toHaveLength(151);
    expect(clientA[0]).toEqual({ type: 'client.deleted', at: iso(T0 + 300 * 60_000), data: { client_id: 'agent-a' } });
    expect(await log.query({ resource: 'mcp-b', sub: 'alice', client: 'agent-b' }, 1000)).toHaveLength(10);
    expect((await log.query({ resource: 'mcp-b' }, 1000))[0]!.type).toBe('resource.deleted');

    const window = await log.query({ type: 'token.issued', since: T0 + 100 * 60_000, until: T0 + 109 * 60_000 }, 1000);
    expect(window.map((e) => e.at)).toEqual(Array.from({ length: 10 }, (_, k) => iso(T0 + (109 - k) * 60_000)));
    // The limit keeps the newest matches.
    expect((await log.query({ sub: 'bob' }, 3)).map((e) => (e.type === 'token.issued' ? e.data.issuance.jti : ''))).toEqual([issuance(299).jti, issuance(298).jti, issuance(296).jti]);
    await log.close();

    // Reopened: the same answers from the files alone.
    const again = await SegmentedAuditLog.open(dir, { durability: 'os', warn: () => undefined, segmentBytes: 4096, keepSegments: 1000 });
    expect(await again.query({ client: 'agent-a' }, 1000)).toEqual(clientA);
    expect(await again.query({}, 5)).toEqual(all.slice(-5).reverse());
    await again.close();
  });
});
