/**
 * `authserver admin issuance list` with no server opens the store's read-only issuance reader
 * (server/store/issuanceReader.ts), printing exactly what the running server's admin API lists;
 * a data dir still holding the old families.jsonl (which may journal rows the log lost) is opened
 * whole once, which moves it into the token log.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Issuance } from '../../server/contracts';
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

  it('opens the whole store when the data dir still holds the old families.jsonl: its lost rows appear, then the log alone is read', async () => {
    const copy = await tempDir();
    await fsp.cp(path.join(import.meta.dirname, '..', 'store', 'fixtures', 'legacy-families-v1'), copy, { recursive: true });
    // The fixture's rows are from 2026-01-01, older than --since allows: ask for them by jti (since is ignored then).
    const list = (jti: string) => cmd(['admin', 'issuance', 'list', '--data-dir', copy, '--json', '--jti', jti]);
    const r = await list('jti-8');
    expect(r.code, r.stderr).toBe(0);
    // jti-8 and jti-9 were only in the old journal (a power cut took them from the log).
    expect((JSON.parse(r.stdout).issuances as Issuance[]).map((x) => x.jti)).toEqual(['jti-8']);
    expect(r.stderr).toMatch(/families\.jsonl: moved 0 refresh families into the token log .* 2 issuance row\(s\) it journaled were missing .* restored/);
    await expect(fsp.access(path.join(copy, 'families.jsonl'))).rejects.toThrow(/ENOENT/);
    // Moved: the next listings read the token log alone.
    expect(await list('jti-8')).toEqual({ ...r, stderr: '' });
    const nine = await list('jti-9');
    expect(nine).toMatchObject({ code: 0, stderr: '' });
    expect((JSON.parse(nine.stdout).issuances as Issuance[]).map((x) => x.jti)).toEqual(['jti-9']);
  });
});
