/**
 * Seeds in and out: `seed export` writes the stored resources, clients and users as a seed file
 * that `serve --seed` loads back into the same rows; a re-apply reports a stored row that differs
 * from the seed (it used to say "already present") and `--update` applies the difference.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliSuite, tempDir } from './helpers';

const { cmd, serve } = cliSuite();
const SEED = path.resolve('resources/seeds/single-mcp.yaml');

/** What must survive the round trip: everything but ids, timestamps and secrets. */
async function state(dir: string) {
  const list = async (noun: string) => JSON.parse((await cmd(['admin', noun, 'list', '--data-dir', dir, '--json'])).stdout) as Array<Record<string, unknown>>;
  const strip = (rows: Array<Record<string, unknown>>) => rows.map(({ id: _i, created_at: _c, updated_at: _u, ...rest }) => rest).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  return { resources: strip(await list('resource')), clients: strip(await list('client')), users: strip(await list('user')) };
}

describe('seed export → serve --seed', () => {
  it('loads back the same resources, clients and users', async () => {
    const a = await tempDir();
    expect(await cmd(['seed', 'apply', SEED, '--data-dir', a])).toMatchObject({ code: 0 });
    expect(await cmd(['admin', 'resource', 'create', '--data-dir', a, '--slug', 'mcp-b', '--uri', 'https://mcp-b.example.com', '--display-name', 'MCP B', '--scopes', 'deploy||Deploy', '--default', '--access-token-ttl', '5m'])).toMatchObject({ code: 0 });
    expect(await cmd(['admin', 'client', 'create', '--data-dir', a, '--name', 'ci-bot', '--client-id', 'ci-bot', '--grant-types', 'client_credentials', '--auth-method', 'client_secret_basic', '--scope', 'deploy'])).toMatchObject({ code: 0 });
    expect(await cmd(['admin', 'user', 'create', '--sub', 'bob', '--data-dir', a, '--name', 'Bob'])).toMatchObject({ code: 0 });
    const file = path.join(await tempDir(), 'exported.yaml');
    const exported = await cmd(['admin', 'seed', 'export', '--data-dir', a, '--out', file]);
    expect(exported).toMatchObject({ code: 0, stdout: `seed exported: ${file}\n` });
    const text = await fsp.readFile(file, 'utf8');
    expect(text).toContain('# Client secrets are not exported');
    expect(text).not.toMatch(/secret_hash|client_secret:/);
    if (process.platform !== 'win32') expect((await fsp.stat(file)).mode & 0o777).toBe(0o600);
    // stdout without --out: the same document (but for its time stamp).
    const body = (t: string) => t.trimEnd().split('\n').slice(1);
    expect(body((await cmd(['admin', 'seed', 'export', '--data-dir', a])).stdout)).toEqual(body(text));

    const b = await tempDir();
    const s = await serve(['--port', '0', '--data-dir', b, '--seed', file]);
    const before = await state(a);
    // The server's default user exists in both; everything else came from the file.
    expect(await state(b)).toEqual(before);
    // Export through the running server is the same document (but for its time stamp).
    expect(body((await cmd(['admin', 'seed', 'export', '--data-dir', b])).stdout)).toEqual(body(text));
    expect(await s.stop('SIGTERM')).toBe(0);
  });
});

describe('seed apply on stored rows', () => {
  it('warns about a changed URI instead of calling it "already present", and --update applies it', async () => {
    const dir = await tempDir();
    expect(await cmd(['seed', 'apply', SEED, '--data-dir', dir])).toMatchObject({ code: 0 });
    const changed = path.join(await tempDir(), 'changed.yaml');
    await fsp.writeFile(changed, (await fsp.readFile(SEED, 'utf8')).replace('uri: http://127.0.0.1:3001/mcp', 'uri: http://127.0.0.1:3002/mcp'));

    const warned = await cmd(['seed', 'apply', changed, '--data-dir', dir]);
    expect(warned.code).toBe(0);
    expect(warned.stdout).toContain('resources: 0 created, 0 already present, 1 differ from the seed (not changed) (mcp-a)');
    expect(warned.stdout).toContain('warning: resource "mcp-a" differs from the seed (uri "http://127.0.0.1:3001/mcp" → "http://127.0.0.1:3002/mcp"); left as stored: `seed apply --update` applies the seed');
    expect(JSON.parse((await cmd(['admin', 'resource', 'get', 'mcp-a', '--data-dir', dir, '--json'])).stdout).uri).toBe('http://127.0.0.1:3001/mcp');

    const updated = await cmd(['seed', 'apply', changed, '--update', '--data-dir', dir]);
    expect(updated.code).toBe(0);
    expect(updated.stdout).toContain('resources: 0 created, 0 already present, 1 updated (mcp-a)');
    expect(updated.stdout).not.toContain('warning');
    expect(JSON.parse((await cmd(['admin', 'resource', 'get', 'mcp-a', '--data-dir', dir, '--json'])).stdout).uri).toBe('http://127.0.0.1:3002/mcp');
    expect((await cmd(['seed', 'apply', changed, '--data-dir', dir])).stdout).toContain('resources: 0 created, 1 already present (mcp-a)');
  });
});
