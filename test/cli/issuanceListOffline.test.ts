/**
 * `authserver admin issuance list` with no server opens the store's read-only issuance reader
 * (server/store/issuanceReader.ts), printing exactly what the running server's admin API lists;
 * when a crash left journaled rows to restore, the reader opens the whole store, which restores them.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Issuance } from '../../server/contracts';
import { pendingJournalRows } from '../../server/store/familyStore';
import { openStore } from '../../server/store/index';
import { cliSuite, tempDir } from './helpers';

const { cmd, serve } = cliSuite();

const NOW = Date.now();
function row(i: number, over: Partial<Issuance> = {}): Issuance {
  return {
    jti: `jti-${String(i).padStart(4, '0')}`,
    sub: i % 2 ? 'alice' : 'bob',
    client_id: 'my-agent',
    resource: 'mcp-a',
    aud: 'http://127.0.0.1:3001/mcp',
    scope: 'read',
    grant: i % 3 ? 'authorization_code' : 'refresh_token',
    family_id: `fam-${i}`,
    kid: 'k1',
    issued_at: new Date(NOW - (100 - i) * 60_000).toISOString(),
    expires_at: new Date(NOW + (i % 4 ? 3600_000 : -3600_000)).toISOString(),
    ...over,
  };
}
const family = (id: string, jti: string) => ({
  id,
  client_id: 'my-agent',
  sub: 'alice',
  resource: 'mcp-a',
  aud: 'http://127.0.0.1:3001/mcp',
  scope: 'read',
  created_at: new Date(NOW).toISOString(),
  expires_at: new Date(NOW + 86400_000).toISOString(),
  current: { hash: `h-${id}`, issued_at: new Date(NOW).toISOString(), expires_at: new Date(NOW + 86400_000).toISOString() },
  consumed: [],
  access_jtis: [jti],
});

describe('issuance list without a server', () => {
  it('prints exactly what the running server lists, for every filter and page, and the same errors', async () => {
    const dir = await tempDir();
    const store = await openStore(dir, { durability: 'os' });
    for (let i = 0; i < 40; i++) await store.issuances.append(row(i, i === 7 ? { revoked_at: new Date(NOW).toISOString(), revoked_reason: 'admin' } : {}));
    await store.close();
    const first = await cmd(['admin', 'issuance', 'list', '--data-dir', dir, '--limit', '5', '--json']);
    expect(JSON.parse(first.stdout).issuances).toHaveLength(5);
    const table = await cmd(['admin', 'issuance', 'list', '--data-dir', dir, '--limit', '5']);
    const cursor = /more: --cursor (\S+)/.exec(table.stdout)![1]!;
    const cases = [['--json'], [], ['--sub', 'alice', '--state', 'active'], ['--user', 'bob', '--json'], ['--grant=refresh_token'], ['--state', 'revoked', '--json'], ['--jti', 'jti-0007'], ['--limit', '5', '--cursor', cursor], ['--resource', 'nope'], ['--resource', '', '--limit', '3'], ['--all', '--limit', '7'], ['--cursor', 'garbage']];
    const offline = [];
    for (const extra of cases) offline.push(await cmd(['admin', 'issuance', 'list', '--data-dir', dir, ...extra]));
    expect(offline.slice(0, -1).map((r) => r.code)).toEqual(cases.slice(0, -1).map(() => 0));
    // A bad cursor is an error with exit 1, worded as the server words it.
    expect(offline.at(-1)).toMatchObject({ code: 1, stdout: '', stderr: expect.stringContaining('cursor is not valid') });

    const server = await serve(['--port', '0', '--data-dir', dir, '--log-level', 'silent']);
    try {
      for (const [i, extra] of cases.entries()) {
        const online = await cmd(['admin', 'issuance', 'list', '--data-dir', dir, ...extra]);
        // The state of a row is computed at the time of the listing: minutes apart, none changes here.
        expect(online, extra.join(' ')).toEqual(offline[i]);
      }
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it('refuses a data dir others can write to (rows could be planted), as every command without a server does', async () => {
    const dir = await tempDir();
    const store = await openStore(dir, { durability: 'os' });
    await store.issuances.append(row(1));
    await store.close();
    await fsp.chmod(path.join(dir, 'issuances'), 0o777);
    const r = await cmd(['admin', 'issuance', 'list', '--data-dir', dir, '--json']);
    expect(r).toMatchObject({ code: 1, stdout: '' });
    expect(r.stderr).toContain(`authserver issuance list: the directory ${path.join(dir, 'issuances')} is writable by other users (mode 0777)`);
  });

  it('opens the whole store when a crash left journaled rows to restore, which then appear', async () => {
    const dir = await tempDir();
    const store = await openStore(dir, { durability: 'fsync' });
    await store.issuances.append(row(1, { family_id: undefined, grant: 'client_credentials' }));
    const synced = (await fsp.stat(path.join(dir, 'issuances', 'seg-000001.jsonl'))).size;
    const lost = row(2);
    await store.families.put(family('fam-2', lost.jti), lost);
    // The state a power cut leaves: the journal line on disk, the row's unsynced write gone.
    const copy = await tempDir();
    await fsp.cp(dir, copy, { recursive: true });
    await fsp.rm(path.join(copy, 'server.lock'), { force: true });
    await fsp.truncate(path.join(copy, 'issuances', 'seg-000001.jsonl'), synced);
    await store.close();
    expect(await pendingJournalRows(copy)).toBe(1);

    const r = await cmd(['admin', 'issuance', 'list', '--data-dir', copy, '--json']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout).issuances as Issuance[]).map((x) => x.jti)).toEqual([lost.jti, 'jti-0001']);
    expect(r.stderr).toMatch(/1 issuance row\(s\) journaled here were missing .* restored/);
    // Restored and checkpointed: the next listing reads the issuance log alone and agrees.
    expect(await pendingJournalRows(copy)).toBe(0);
    expect(await cmd(['admin', 'issuance', 'list', '--data-dir', copy, '--json'])).toEqual({ ...r, stderr: '' });
  });
});

describe('pendingJournalRows', () => {
  it('counts the rows after the second-to-last checkpoint, reading backwards across chunks', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'families.jsonl');
    const fam = JSON.stringify(family('f', 'j')) + '\n';
    const iss = (i: number) => JSON.stringify({ issuance: row(i) }) + '\n';
    const cp = '{"checkpoint":1}\n';
    expect(await pendingJournalRows(dir)).toBe(0);
    // 600 journaled rows (~600 kB, three read chunks) with no checkpoint: all pending.
    const many = Array.from({ length: 600 }, (_, i) => iss(i) + fam).join('');
    await fsp.writeFile(file, many);
    expect(await pendingJournalRows(dir)).toBe(600);
    await fsp.writeFile(file, many + cp + iss(1) + fam + iss(2) + fam + cp + iss(3) + fam);
    expect(await pendingJournalRows(dir)).toBe(3);
    await fsp.writeFile(file, many + cp + iss(1) + fam + '{"checkpoint":"all"}\n' + iss(3) + fam);
    expect(await pendingJournalRows(dir)).toBe(1);
    await fsp.writeFile(file, many + '{"checkpoint":"all"}\n');
    expect(await pendingJournalRows(dir)).toBe(0);
  });
});
