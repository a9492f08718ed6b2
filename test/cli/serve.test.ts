/** `authserver serve` as a child process, and admin commands going through its REST API. */
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOrCreateAdminToken } from '../../server/store/secrets';
import { codeFlow, postForm } from '../helpers/oauthClient';
import { cliSuite, tempDir, type ServeProcess } from './helpers';
import { until } from '../helpers/until';

const { cmd, serve } = cliSuite();

describe('serve', () => {
  it('prints the issuer as the first stdout line, and exits 0 on SIGTERM', async () => {
    const dir = await tempDir();
    const s = await serve(['--port', '0', '--data-dir', dir]);
    expect(s.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const meta = await fetch(`${s.issuer}/.well-known/oauth-authorization-server`);
    expect(meta.status).toBe(200);
    expect((await meta.json()).issuer).toBe(s.issuer);
    // The summary follows the issuer line a moment later: wait for its last line, then read it.
    await until(() => s.stdout().includes('Press Ctrl+C to stop.') || undefined, 'the startup summary');
    expect(s.stdout()).toContain(`data dir   ${dir}`);
    expect(s.stdout()).not.toContain(await loadOrCreateAdminToken(dir));
    expect(await s.stop('SIGTERM')).toBe(0);
    // The lock is released: the CLI can open the data dir directly now.
    const after = await cmd(['admin', 'status', '--data-dir', dir, '--json']);
    expect(JSON.parse(after.stdout)).toMatchObject({ running: false });
  });

  it('SIGINT also closes cleanly', async () => {
    const s = await serve(['--port', '0', '--data-dir', await tempDir()]);
    expect(await s.stop('SIGINT')).toBe(0);
  });

  it('a second serve on the same data dir fails with the lock message', async () => {
    const dir = await tempDir();
    const s = await serve(['--port', '0', '--data-dir', dir]);
    const second = await cmd(['serve', '--port', '0', '--data-dir', dir]);
    expect(second.code).toBe(1);
    expect(second.stdout).toBe('');
    const lines = second.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^authserver serve: .*(lock|already|in use|running)/i);
    expect(lines[0]).toContain(String(s.child.pid));
    await s.stop();
  });

  it('a taken port is one clear line and exit 1', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await cmd(['serve', '--port', String(port), '--data-dir', await tempDir()]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(new RegExp(`^authserver serve: port ${port} is already in use.*; pass --port 0 for a free port or stop the other process\\n$`));
    } finally {
      blocker.close();
    }
  });

  it('a bad seed stops the start with the file and line', async () => {
    const dir = await tempDir();
    const seed = join(dir, 'bad.yaml');
    await writeFile(seed, 'resources:\n  - slug: mcp-a\n    uri: nope\n');
    const r = await cmd(['serve', '--port', '0', '--data-dir', dir, '--seed', seed]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`authserver serve: ${seed}:3: resources[0].uri: uri must be an absolute http(s) URL with a host and no fragment\n`);
  });

  it('refuses a non-loopback host without --allow-remote', async () => {
    const r = await cmd(['serve', '--port', '0', '--host', '0.0.0.0', '--data-dir', await tempDir()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('authserver serve: refusing to bind 0.0.0.0: AuthPlane is a development server; pass --allow-remote to expose it beyond this machine\n');
  });
});

describe('serve --refresh-grace', () => {
  /** The whole startup summary: its last line comes a moment after the issuer line. */
  async function summary(s: ServeProcess): Promise<string> {
    while (!s.stdout().includes('Press Ctrl+C to stop.')) await new Promise((r) => s.child.stdout!.once('data', r));
    return s.stdout();
  }
  const refreshWith = (issuer: string, token: string) => postForm(`${issuer}/oauth/token`, { grant_type: 'refresh_token', refresh_token: token, client_id: 'my-agent' });

  it('is off by default: a second use of a refresh token revokes its family, and the summary says nothing', async () => {
    const s = await serve(['--port', '0', '--data-dir', await tempDir(), '--seed', 'resources/seeds/single-mcp.yaml', '--consent', 'auto']);
    expect(await summary(s)).not.toContain('grace');
    const { tokens } = await codeFlow({ issuer: s.issuer, clientId: 'my-agent', scope: 'read', resource: 'mcp-a' });
    expect((await refreshWith(s.issuer, tokens.refresh_token!)).status).toBe(200);
    expect((await refreshWith(s.issuer, tokens.refresh_token!)).json).toMatchObject({ error: 'invalid_grant', error_description: 'token family revoked due to reuse detection' });
    await s.stop();
  });

  it('opts in: the startup summary shows the window and a retry gets the same new refresh token', async () => {
    const s = await serve(['--port', '0', '--data-dir', await tempDir(), '--seed', 'resources/seeds/single-mcp.yaml', '--consent', 'auto', '--refresh-grace', '30s']);
    expect(await summary(s)).toContain('  refresh    30 s grace: a rotated-out refresh token is accepted again that long and gets the same new token');
    const { tokens } = await codeFlow({ issuer: s.issuer, clientId: 'my-agent', scope: 'read', resource: 'mcp-a' });
    const first = await refreshWith(s.issuer, tokens.refresh_token!);
    const retry = await refreshWith(s.issuer, tokens.refresh_token!);
    expect([first.status, retry.status]).toEqual([200, 200]);
    expect(retry.json.refresh_token).toBe(first.json.refresh_token);
    await s.stop();
  });

  it('refuses a window over 5 minutes or a malformed one with a usage error', async () => {
    const long = await cmd(['serve', '--port', '0', '--data-dir', await tempDir(), '--refresh-grace', '6m']);
    expect(long.code).not.toBe(0);
    expect(long.stdout).toBe('');
    expect(long.stderr).toContain('at most 5m (a rotated-out refresh token stays usable that long), got "6m"');
    const bad = await cmd(['serve', '--port', '0', '--data-dir', await tempDir(), '--refresh-grace', 'soon']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('expected a duration such as 900, 15m, 2h or 7d, got "soon"');
  });
});
describe('serve --config', () => {
  it('reads the serve settings from a YAML file through the flags\' own parsers; a flag on the command line wins', async () => {
    const dir = await tempDir();
    const file = join(dir, 'authplane.yaml');
    await writeFile(file, 'refresh-grace: 30s\nstrict: true\nconsent: auto\nuser: alice\nport: 1\n');
    const s = await serve(['--config', file, '--port', '0', '--data-dir', join(dir, 'data')]);
    await until(() => s.stdout().includes('Press Ctrl+C to stop.') || undefined, 'the startup summary');
    expect(s.stdout()).toContain('  refresh    30 s grace: a rotated-out refresh token is accepted again that long and gets the same new token');
    expect(s.stdout()).toContain('  mode       strict (product behaviour');
    expect(s.stdout()).toContain('  consent    auto (every valid request is approved as "alice")');
    expect(s.issuer).not.toMatch(/:1$/);
    expect(await s.stop()).toBe(0);
  });

  it('refuses an unknown setting or a bad value with one usage line naming the file and the key', async () => {
    const dir = await tempDir();
    const file = join(dir, 'authplane.yaml');
    await writeFile(file, 'refresh_grace: 30s\n');
    const unknown = await cmd(['serve', '--config', file, '--port', '0', '--data-dir', join(dir, 'data')]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(new RegExp(`^authserver serve: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: unknown setting "refresh_grace"; accepted: port, host, data-dir, seed, consent, user, issuer, allow-remote, strict, no-cimd, signing-alg, access-token-ttl, refresh-token-ttl, code-ttl, refresh-grace, no-flows, log-level\n`));
    await writeFile(file, 'refresh-grace: 6m\n');
    const long = await cmd(['serve', '--config', file, '--port', '0', '--data-dir', join(dir, 'data')]);
    expect(long.code).toBe(2);
    expect(long.stderr).toContain(`${file}: setting "refresh-grace": at most 5m (a rotated-out refresh token stays usable that long), got "6m"`);
  });
});

describe('serve --no-cimd', () => {
  it('stops advertising Client ID Metadata Documents and says so in the summary; `no-cimd: true` in a --config file does the same', async () => {
    const dir = await tempDir();
    const file = join(dir, 'authplane.yaml');
    await writeFile(file, 'no-cimd: true\n');
    const [on, off, fromFile] = await Promise.all([
      serve(['--port', '0', '--data-dir', await tempDir()]),
      serve(['--port', '0', '--data-dir', await tempDir(), '--no-cimd']),
      serve(['--config', file, '--port', '0', '--data-dir', join(dir, 'data')]),
    ]);
    try {
      for (const s of [on, off, fromFile]) await until(() => s.stdout().includes('Press Ctrl+C to stop.') || undefined, 'the startup summary');
      expect(on.stdout()).toContain('  clients    Client ID Metadata Documents (recommended), dynamic registration, pre-registered\n');
      const offLine = '  clients    dynamic registration and pre-registered only: metadata documents off (--no-cimd), client_id_metadata_document_supported not advertised\n';
      expect(off.stdout()).toContain(offLine);
      expect(fromFile.stdout()).toContain(offLine);
      const meta = async (s: ServeProcess) => (await fetch(`${s.issuer}/.well-known/oauth-authorization-server`)).json();
      expect((await meta(on)).client_id_metadata_document_supported).toBe(true);
      expect(await meta(off)).not.toHaveProperty('client_id_metadata_document_supported');
      expect(await meta(fromFile)).not.toHaveProperty('client_id_metadata_document_supported');
    } finally {
      await Promise.all([on.stop(), off.stop(), fromFile.stop()]);
    }
  });
});

describe('serve --strict', () => {
  const authorizeNoResource = (issuer: string) =>
    fetch(`${issuer}/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: 'my-agent', redirect_uri: 'http://127.0.0.1:8765/callback', scope: 'read', state: 's', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' })}`, { redirect: 'manual' });

  it('says which mode it runs in, and --strict refuses what the default only warns about', async () => {
    const [lenient, strict] = await Promise.all([
      serve(['--port', '0', '--data-dir', await tempDir(), '--seed', 'resources/seeds/single-mcp.yaml', '--consent', 'auto']),
      serve(['--port', '0', '--data-dir', await tempDir(), '--seed', 'resources/seeds/single-mcp.yaml', '--consent', 'auto', '--strict']),
    ]);
    try {
      await until(() => lenient.stdout().includes('  mode       '), 'the lenient summary');
      await until(() => strict.stdout().includes('  mode       '), 'the strict summary');
      expect(lenient.stdout()).toContain('  mode       lenient (');
      expect(strict.stdout()).toContain('  mode       strict (product behaviour');
      expect(new URL((await authorizeNoResource(lenient.issuer)).headers.get('location')!).searchParams.has('code')).toBe(true);
      const refused = new URL((await authorizeNoResource(strict.issuer)).headers.get('location')!).searchParams;
      expect(refused.get('error')).toBe('invalid_target');
    } finally {
      await Promise.all([lenient.stop(), strict.stop()]);
    }
  });
});


describe('admin commands while a server runs (through its REST API)', () => {
  it('writes land in the running server without a restart', async () => {
    const dir = await tempDir();
    const s = await serve(['--port', '0', '--data-dir', dir, '--seed', 'resources/seeds/single-mcp.yaml', '--consent', 'auto']);
    const token = await loadOrCreateAdminToken(dir);
    const admin = (path: string) => fetch(`${s.issuer}/admin/api${path}`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.json());

    const status = await cmd(['admin', 'status', '--data-dir', dir, '--json']);
    expect(JSON.parse(status.stdout)).toMatchObject({ running: true, issuer: s.issuer, pid: s.child.pid, consent_mode: 'auto' });

    const created = await cmd(['admin', 'resource', 'create', '--data-dir', dir, '--json', '--slug', 'mcp-b', '--uri', 'https://mcp-b.example.com', '--backend-kind', 'mint', '--display-name', 'MCP B', '--scopes', 'deploy||Deploy things']);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const row = JSON.parse(created.stdout);
    // The server's in-memory state has it: the admin API and the public metadata both show it.
    expect((await admin('/resources/mcp-b'))).toEqual(row);
    const meta = await (await fetch(`${s.issuer}/.well-known/oauth-authorization-server`)).json();
    expect(meta.scopes_supported).toContain('deploy');

    const list = await cmd(['admin', 'resource', 'list', '--data-dir', dir, '--json']);
    expect(JSON.parse(list.stdout).map((r: { slug: string }) => r.slug)).toEqual(['mcp-a', 'mcp-b']);
    const show = await cmd(['admin', 'resource', 'show', 'mcp-a', '--data-dir', dir, '--json']);
    expect(JSON.parse(show.stdout)).toMatchObject({ slug: 'mcp-a', uri: 'http://127.0.0.1:3001/mcp' });
    const dup = await cmd(['admin', 'resource', 'create', '--data-dir', dir, '--slug', 'mcp-b', '--uri', 'https://x.example.com']);
    expect(dup).toEqual({ code: 1, stdout: '', stderr: 'authserver resource create: resource "mcp-b" already exists\n' });

    // A confidential client created through the server can get a token at once.
    const client = await cmd(['admin', 'client', 'create', '--data-dir', dir, '--json', '--name', 'ci', '--client-id', 'ci-bot', '--grant-types', 'client_credentials', '--auth-method', 'client_secret_post', '--scopes', 'deploy']);
    expect(client.code).toBe(0);
    const { client_secret } = JSON.parse(client.stdout);
    expect((await admin('/clients/ci-bot')).client_id).toBe('ci-bot');
    const clients = await cmd(['admin', 'client', 'list', '--data-dir', dir, '--json']);
    expect(JSON.parse(clients.stdout).map((c: { client_id: string }) => c.client_id)).toEqual(['my-agent', 'ci-bot']);
    const shown = await cmd(['admin', 'client', 'show', 'my-agent', '--data-dir', dir, '--json']);
    expect(JSON.parse(shown.stdout)).toMatchObject({ client_id: 'my-agent', token_endpoint_auth_method: 'none' });

    const tok = await fetch(`${s.issuer}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'ci-bot', client_secret, resource: 'https://mcp-b.example.com', scope: 'deploy' }),
    });
    expect(tok.status).toBe(200);

    const issuances = await cmd(['admin', 'issuance', 'list', '--data-dir', dir, '--resource', 'mcp-b', '--limit', '5']);
    expect(issuances.code).toBe(0);
    const [header, first] = issuances.stdout.split('\n');
    expect(header).toMatch(/^SUB\s+CLIENT_ID\s+SCOPE\s+JTI\s+EXPIRES_AT\s+STATE\s+RESOURCE\s+GRANT$/);
    expect(first).toMatch(/^ci-bot\s+ci-bot\s+deploy\s+[\w-]{22}\s+\d{4}-\d\d-\d\dT\S+Z\s+active\s+mcp-b\s+client_credentials$/);
    const json = JSON.parse((await cmd(['admin', 'issuance', 'list', '--data-dir', dir, '--resource', 'mcp-b', '--json'])).stdout).issuances;
    expect(json).toHaveLength(1);
    // --data-dir after the noun or before it (on `admin`): the same command, the same bytes.
    for (const extra of [['--json'], [], ['--limit=1', '--grant', 'client_credentials', '--state=active']]) {
      const after = await cmd(['admin', 'issuance', 'list', '--data-dir', dir, ...extra]);
      const before = await cmd(['admin', '--data-dir', dir, 'issuance', 'list', ...extra]);
      expect(after.code).toBe(0);
      expect(after).toEqual(before);
    }
    // Bad flags are usage errors, whatever the path to the log.
    expect(await cmd(['admin', 'issuance', 'list', '--data-dir', dir, '--limit', '0'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--limit "0": expected an integer from 1 to 5000') });
    expect(await cmd(['admin', 'issuance', 'list', '--data-dir', dir, '--state', 'gone'])).toMatchObject({ code: 2, stderr: expect.stringContaining("'gone' is invalid") });
    const revoke = await cmd(['admin', 'issuance', 'revoke', json[0].jti, '--data-dir', dir, '--json']);
    expect(JSON.parse(revoke.stdout)).toMatchObject({ jti: json[0].jti, state: 'revoked' });
    expect((await admin(`/issuances/${json[0].jti}`)).state).toBe('revoked');

    const user = await cmd(['admin', 'user', 'update', 'dev-user', '--data-dir', dir, '--json', '--name', 'Developer', '--email', 'dev@example.com']);
    expect(user.code).toBe(0);
    expect(JSON.parse(user.stdout)).toMatchObject({ sub: 'dev-user', name: 'Developer', email: 'dev@example.com' });
    expect(await admin('/users/dev-user')).toEqual(JSON.parse(user.stdout));

    const seeded = await cmd(['seed', 'apply', 'resources/seeds/single-mcp.yaml', '--data-dir', dir, '--json']);
    expect(JSON.parse(seeded.stdout).skipped).toEqual({ resources: ['mcp-a'], clients: ['my-agent'], users: ['alice'] });
    const badSeed = join(dir, 'bad.yaml');
    await writeFile(badSeed, 'users:\n  - sub: ok\n  - sub: "has space"\nclients:\n  - name: x\n    auth_method: nope\n');
    const bad = await cmd(['seed', 'apply', badSeed, '--data-dir', dir]);
    expect(bad).toEqual({
      code: 1,
      stdout: '',
      stderr: [
        'authserver seed apply: 2 problems:',
        `  ${badSeed}:3: users[1].sub: sub must be printable ASCII without spaces`,
        `  ${badSeed}:6: clients[0].auth_method: Invalid option: expected one of "none"|"client_secret_basic"|"client_secret_post"`,
        '',
      ].join('\n'),
    });
    expect((await admin('/users/ok')).error).toBe('not_found');

    expect(await s.stop()).toBe(0);
    // Everything written through the server is on disk.
    const offline = await cmd(['admin', 'resource', 'list', '--data-dir', dir, '--json']);
    expect(JSON.parse(offline.stdout).map((r: { slug: string }) => r.slug)).toEqual(['mcp-a', 'mcp-b']);
  }, 180_000); // ~25 CLI processes in a row: a busy machine needs more than the default budget
});
