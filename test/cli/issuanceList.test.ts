/**
 * Every issuance can be listed by a script: `--json` carries next_cursor (and `--cursor` takes it
 * back) past the 5,000-row page limit, `--all` streams every row as JSON lines, with and without
 * a server, with --data-dir after the noun or on `admin`. Also the product's spellings: --user,
 * --since (default 24h, at most 30 days) and `issuance get --id`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Issuance } from '../../server/contracts';
import { openStore } from '../../server/store/index';
import { cliSuite, tempDir } from './helpers';

const { cmd, serve } = cliSuite({ timeoutMs: 60_000 });
let dir: string;
const ROWS = 5_200;
const NOW = Date.now();

function row(i: number): Issuance {
  return {
    jti: `jti-${String(i).padStart(5, '0')}`,
    sub: i % 2 ? 'alice' : 'bob',
    client_id: 'my-agent',
    resource: 'mcp-a',
    aud: 'http://127.0.0.1:3001/mcp',
    scope: 'read',
    grant: 'authorization_code',
    // The newest 100 rows are from the last 10 minutes; the rest are 2 hours old.
    issued_at: new Date(NOW - (i >= ROWS - 100 ? 60_000 : 2 * 3600_000)).toISOString(),
    expires_at: new Date(NOW + 3600_000).toISOString(),
  };
}

beforeAll(async () => {
  dir = await tempDir();
  const store = await openStore(dir, { durability: 'os' });
  for (let i = 0; i < ROWS; i++) await store.issuances.append(row(i));
  await store.close();
}, 120_000);

const jtis = (stdout: string) => stdout.trimEnd().split('\n').map((l) => (JSON.parse(l) as Issuance).jti);

/** Both spellings: --data-dir after the noun, and on `admin` before it. */
async function both(args: string[]) {
  const after = await cmd(['admin', 'issuance', 'list', '--data-dir', dir, ...args]);
  const before = await cmd(['admin', '--data-dir', dir, 'issuance', 'list', ...args]);
  expect(after, args.join(' ')).toEqual(before);
  return after;
}

async function readsEveryRow(): Promise<void> {
  const first = await both(['--json', '--limit', '5000']);
  expect(first.code).toBe(0);
  const page1 = JSON.parse(first.stdout) as { issuances: Issuance[]; next_cursor: string | null };
  expect(page1.issuances).toHaveLength(5000);
  expect(page1.issuances[0]!.jti).toBe('jti-05199');
  expect(page1.next_cursor).toEqual(expect.any(String));
  const second = await both(['--json', '--limit', '5000', '--cursor', page1.next_cursor!]);
  const page2 = JSON.parse(second.stdout) as { issuances: Issuance[]; next_cursor: string | null };
  expect(page2.issuances).toHaveLength(ROWS - 5000);
  expect(page2.next_cursor).toBeNull();
  expect(new Set([...page1.issuances, ...page2.issuances].map((r) => r.jti)).size).toBe(ROWS);

  const all = await both(['--all']);
  expect(all.code).toBe(0);
  const lines = jtis(all.stdout);
  expect(lines).toHaveLength(ROWS);
  expect(new Set(lines).size).toBe(ROWS);
  expect(lines.at(-1)).toBe('jti-00000');
  // --all with filters and a small page size: every page followed, nothing twice.
  const alice = jtis((await both(['--all', '--user', 'alice', '--limit', '7'])).stdout);
  expect(alice).toHaveLength(ROWS / 2);
  expect(new Set(alice).size).toBe(ROWS / 2);
}

describe('issuance list for scripts', () => {
  it('reads past 5,000 rows with --json/--cursor and --all, without a server', readsEveryRow, 180_000);

  it('filters by --since (default 24h, at most 30 days) and --user, and refuses what it cannot honour', async () => {
    const recent = JSON.parse((await both(['--json', '--since', '30m', '--limit', '5000'])).stdout);
    expect(recent.issuances).toHaveLength(100);
    expect(recent.next_cursor).toBeNull();
    expect(JSON.parse((await both(['--json', '--since', '1h30m', '--user', 'bob', '--limit', '5000'])).stdout).issuances).toHaveLength(50);
    const at = new Date(NOW - 30 * 60_000).toISOString();
    expect(JSON.parse((await both(['--json', '--since', at, '--limit', '5000'])).stdout).issuances).toHaveLength(100);
    // --since is ignored with --jti, as in the product.
    expect(JSON.parse((await both(['--json', '--since', '1m', '--jti', 'jti-00003'])).stdout).issuances.map((r: Issuance) => r.jti)).toEqual(['jti-00003']);

    const tooFar = await both(['--since', '31d']);
    expect(tooFar).toMatchObject({ code: 2, stdout: '' });
    expect(tooFar.stderr).toBe('authserver issuance list: --since "31d": at most 30 days back (720h)\n');
    const bad = await both(['--since', 'yesterday']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--since "yesterday": expected a duration like 30m, 24h, 7d, 2w or an RFC 3339 time');
    const twice = await both(['--user', 'alice', '--sub', 'bob']);
    expect(twice).toMatchObject({ code: 2, stderr: 'authserver issuance list: --user and --sub name the same filter: pass one of them\n' });
    // The same subject flag, both spellings, on consent list.
    expect(await cmd(['admin', 'consent', 'list', '--data-dir', dir, '--user', 'alice', '--sub', 'bob'])).toMatchObject({ code: 2, stderr: 'authserver consent list: --user and --sub name the same filter: pass one of them\n' });
    expect(await cmd(['admin', 'consent', 'list', '--data-dir', dir, '--user', 'alice', '--json'])).toMatchObject({ code: 0, stdout: '[]\n' });
    const unknown = await both(['--usr', 'alice']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--usr'");
    expect(unknown.stderr).toContain('--user');
  }, 120_000);

  it('documents the output forms in --help, and gets one row with the product spelling `get --id`', async () => {
    const help = await cmd(['admin', 'issuance', 'list', '--help']);
    expect(help.code).toBe(0);
    for (const s of ['--all', '--cursor <cursor>', '"next_cursor"', '--user <sub>', '--since <duration>', 'default\n24h, at most 30 days']) expect(help.stdout).toContain(s);
    const got = await cmd(['admin', 'issuance', 'get', '--id', 'jti-00042', '--data-dir', dir, '--json']);
    expect(got.code).toBe(0);
    expect(JSON.parse(got.stdout)).toMatchObject({ jti: 'jti-00042', sub: 'bob', state: 'active' });
    expect(await cmd(['admin', 'issuance', 'get', '--data-dir', dir])).toMatchObject({ code: 2, stderr: 'authserver issuance show: missing token id: `issuance get --id <jti>`\n' });
  }, 60_000);

  it('reads past 5,000 rows the same way through a running server', async () => {
    const s = await serve(['--port', '0', '--data-dir', dir]);
    await readsEveryRow();
    await s.stop('SIGTERM');
  }, 180_000);
});
