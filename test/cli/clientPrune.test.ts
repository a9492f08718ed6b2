/**
 * `authserver admin client prune`: the way out once dynamic registration hits its cap. Through a
 * running server's admin API and directly on the data dir, with the same output.
 */
import { describe, expect, it } from 'vitest';
import { cliSuite, tempDir } from './helpers';

const { cmd, serve } = cliSuite();

async function register(issuer: string, name: string): Promise<string> {
  const res = await fetch(`${issuer}/oauth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_name: name, redirect_uris: ['http://127.0.0.1:8765/cb'] }) });
  expect(res.status).toBe(201);
  return (await res.json()).client_id;
}

describe('admin client prune', () => {
  it('lists with --dry-run through the server, deletes directly, and never touches admin clients', async () => {
    const dir = await tempDir();
    const s = await serve(['--port', '0', '--data-dir', dir]);
    const a = await register(s.issuer, 'agent a');
    const b = await register(s.issuer, 'agent b');
    expect((await cmd(['admin', 'client', 'create', '--data-dir', dir, '--name', 'mine', '--client-id', 'mine'])).code).toBe(0);

    // Just registered: the default --older-than 1h keeps them (an agent may be mid-authorization).
    const young = await cmd(['admin', 'client', 'prune', '--data-dir', dir]);
    expect(young).toMatchObject({ code: 0, stderr: '' });
    expect(young.stdout).toBe('no self-registered clients with no live grant, registered more than 1h ago\n2 of at most 500 self-registered clients remain\n');

    const dry = await cmd(['admin', 'client', 'prune', '--data-dir', dir, '--older-than', '0', '--dry-run', '--json']);
    expect(dry.code).toBe(0);
    const listed = JSON.parse(dry.stdout);
    expect(listed).toMatchObject({ remaining: 2, limit: 500, older_than: '0', dry_run: true });
    expect([...listed.pruned].sort()).toEqual([a, b].sort());
    expect(await s.stop('SIGTERM')).toBe(0);

    // No server: the CLI opens the data dir itself.
    const done = await cmd(['admin', 'client', 'prune', '--data-dir', dir, '--older-than', '0']);
    expect(done.code).toBe(0);
    const [head, tail] = done.stdout.trimEnd().split('\n');
    expect(head).toMatch(new RegExp(`^deleted 2 self-registered clients with no live grant, registered more than 0 ago: (${a}, ${b}|${b}, ${a})$`));
    expect(tail).toBe('0 of at most 500 self-registered clients remain');
    const left = JSON.parse((await cmd(['admin', 'client', 'list', '--data-dir', dir, '--json'])).stdout);
    expect(left.map((c: { client_id: string }) => c.client_id)).toEqual(['mine']);
  });

  it('a malformed --older-than is a usage error (exit 2)', async () => {
    const dir = await tempDir();
    const r = await cmd(['admin', 'client', 'prune', '--data-dir', dir, '--older-than', 'soon']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('authserver client prune: --older-than "soon": expected seconds or a duration like 90s, 15m, 2h, 7d');
  });
});
