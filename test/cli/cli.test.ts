/** The `authserver` binary as a child process: help, direct mode (no server), usage errors. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, cliEnv, removeBuild, runCli, tempDir } from './helpers';

let cli: string;
let home: string;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  cli = await buildCli();
  home = await tempDir('authplane-cli-home-');
  env = cliEnv(home);
});
afterAll(async () => {
  if (cli) await removeBuild(cli);
});

const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
const cmd = (args: string[], e = env) => runCli(cli, args, { env: e });

describe('help and version', () => {
  it('top-level help lists the commands', async () => {
    const r = await cmd(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: authserver [options] [command]');
    for (const c of ['serve', 'admin', 'seed', 'help']) expect(r.stdout).toMatch(new RegExp(`^\\s+${c}\\b`, 'm'));
    const help = await cmd(['help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toBe(r.stdout);
  });

  it('--version prints the package version', async () => {
    const r = await cmd(['--version']);
    expect(r).toEqual({ code: 0, stdout: '0.1.0\n', stderr: '' });
  });

  const commands = [
    'serve',
    'admin',
    'seed',
    'seed apply',
    'admin resource',
    'admin resource create',
    'admin resource list',
    'admin resource show',
    'admin resource update',
    'admin resource delete',
    'admin fronting create',
    'admin fronting list',
    'admin fronting show',
    'admin fronting delete',
    'admin client',
    'admin client create',
    'admin client list',
    'admin client show',
    'admin client update',
    'admin client delete',
    'admin user create',
    'admin user list',
    'admin user update',
    'admin user delete',
    'admin consent list',
    'admin consent revoke',
    'admin issuance list',
    'admin issuance show',
    'admin issuance revoke',
    'admin issuance revoke-family',
    'admin key list',
    'admin key rotate',
    'admin settings get',
    'admin settings set',
    'admin seed apply',
    'admin status',
  ];
  it.each(commands)('%s --help', async (c) => {
    const r = await cmd([...c.split(' '), '--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(new RegExp(`^Usage: authserver ${c}(\\|get)? `));
    const leaf = !['admin', 'seed', 'admin resource', 'admin client'].includes(c);
    if (leaf && c !== 'serve') {
      expect(r.stdout).toContain('--data-dir <dir>');
      expect(r.stdout).toContain('--json');
    }
  });

  it('help <command> works like --help', async () => {
    const a = await cmd(['help', 'serve']);
    const b = await cmd(['serve', '--help']);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    for (const flag of ['--port <port>', '--data-dir <dir>', '--host <host>', '--seed <file>', '--consent <mode>', '--user <sub>', '--issuer <url>', '--allow-remote', '--open']) expect(b.stdout).toContain(flag);
  });
});

describe('usage errors exit 2 with one clear line', () => {
  it('unknown command', async () => {
    const r = await cmd(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toBe("authserver: unknown command 'frobnicate'");
  });

  it('missing required option', async () => {
    const dir = await tempDir();
    const r = await cmd(['admin', 'resource', 'create', '--data-dir', dir, '--uri', 'https://x.example.com']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe("authserver resource create: required option '--slug <slug>' not specified");
    expect(r.stderr).toContain('(run `authserver admin resource create --help` for usage)');
  });

  it('bad flag values', async () => {
    const dir = await tempDir();
    const noUri = await cmd(['admin', 'resource', 'create', '--data-dir', dir, '--slug', 'x']);
    expect(noUri.code).toBe(2);
    expect(noUri.stderr).toBe("authserver resource create: required option '--uri <url>' not specified\n");
    const scopes = await cmd(['admin', 'resource', 'create', '--data-dir', dir, '--slug', 'x', '--uri', 'https://x.example.com', '--scopes', '|up|desc']);
    expect(scopes.code).toBe(2);
    expect(scopes.stderr).toBe("authserver resource create: --scopes \"|up|desc\": expected 'name|upstream|description' (for example 'read||Read access')\n");
    const port = await cmd(['serve', '--port', 'abc', '--data-dir', dir]);
    expect(port.code).toBe(2);
    expect(port.stderr.split('\n')[0]).toBe("authserver serve: option '--port <port>' argument 'abc' is invalid. expected a port number from 0 to 65535 (0 picks a free port)");
    const auth = await cmd(['admin', 'client', 'create', '--data-dir', dir, '--name', 'x', '--auth-method', 'private_key_jwt']);
    expect(auth.code).toBe(2);
    expect(auth.stderr.split('\n')[0]).toBe("authserver client create: option '--auth-method <method>' argument 'private_key_jwt' is invalid. Allowed choices are none, client_secret_basic, client_secret_post.");
  });
});

describe('direct mode (no server running)', () => {
  it('resource create / list / show / update / delete with --json and tables', async () => {
    const dir = await tempDir();
    const created = await cmd(['admin', 'resource', 'create', '--data-dir', dir, '--json', '--slug', 'mcp-a', '--uri', 'https://mcp-a.example.com', '--backend-kind', 'mint', '--display-name', 'MCP A', '--scopes', 'read||Read access', '--scopes', 'write||Write access']);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const row = JSON.parse(created.stdout);
    expect(row).toEqual({
      id: expect.stringMatching(/^[\w-]{22}$/),
      slug: 'mcp-a',
      uri: 'https://mcp-a.example.com',
      backend_kind: 'mint',
      display_name: 'MCP A',
      scopes: [
        { name: 'read', description: 'Read access' },
        { name: 'write', description: 'Write access' },
      ],
      created_at: ISO,
      updated_at: ISO,
    });

    const list = await cmd(['admin', 'resource', 'list', '--data-dir', dir, '--json']);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([row]);

    const show = await cmd(['admin', 'resource', 'show', 'mcp-a', '--data-dir', dir, '--json']);
    expect(JSON.parse(show.stdout)).toEqual(row);

    const table = await cmd(['admin', 'resource', 'list', '--data-dir', dir]);
    expect(table.stdout).toBe(['SLUG   URI                        DISPLAY_NAME  SCOPES      DEFAULT', 'mcp-a  https://mcp-a.example.com  MCP A         read write  -', ''].join('\n'));

    const human = await cmd(['admin', 'resource', 'show', 'mcp-a', '--data-dir', dir]);
    expect(human.stdout).toContain('uri                https://mcp-a.example.com\n');
    expect(human.stdout).toContain('scopes             read (Read access), write (Write access)\n');

    const updated = await cmd(['admin', 'resource', 'update', 'mcp-a', '--data-dir', dir, '--json', '--display-name', 'Renamed', '--scopes', 'read||Read only', '--access-token-ttl', '5m']);
    expect(updated.code).toBe(0);
    expect(JSON.parse(updated.stdout)).toMatchObject({ slug: 'mcp-a', display_name: 'Renamed', scopes: [{ name: 'read', description: 'Read only' }], access_token_ttl: 300 });

    const dup = await cmd(['admin', 'resource', 'create', '--data-dir', dir, '--slug', 'mcp-a', '--uri', 'https://other.example.com']);
    expect(dup).toEqual({ code: 1, stdout: '', stderr: 'authserver resource create: resource "mcp-a" already exists\n' });

    const bad = await cmd(['admin', 'resource', 'create', '--data-dir', dir, '--slug', 'mcp-b', '--uri', 'mcp-b.example.com']);
    expect(bad).toEqual({ code: 1, stdout: '', stderr: 'authserver resource create: uri: uri must be an absolute http(s) URL with a host and no fragment\n' });

    const broker = await cmd(['admin', 'resource', 'create', '--data-dir', dir, '--slug', 'gh', '--uri', 'https://gh.example.com', '--backend-kind', 'broker']);
    expect(broker.code).toBe(1);
    expect(broker.stderr).toBe('authserver resource create: backend_kind: backend_kind must be "mint" (broker resources are not supported locally)\n');

    const del = await cmd(['admin', 'resource', 'delete', 'mcp-a', '--data-dir', dir]);
    expect(del).toEqual({ code: 0, stdout: 'resource deleted: slug=mcp-a\n', stderr: '' });
    const missing = await cmd(['admin', 'resource', 'show', 'mcp-a', '--data-dir', dir]);
    expect(missing).toEqual({ code: 1, stdout: '', stderr: 'authserver resource show: resource "mcp-a" not found\n' });
    const empty = await cmd(['admin', 'resource', 'list', '--data-dir', dir]);
    expect(empty.stdout).toBe('no resources found\n');
  });

  it('client create prints the secret once; list/show never do', async () => {
    const dir = await tempDir();
    const pub = await cmd(['admin', 'client', 'create', '--data-dir', dir, '--name', 'my-agent', '--grant-types', 'authorization_code,refresh_token', '--auth-method', 'none', '--scopes', 'read||Read access', '--scopes', 'write||Write access']);
    expect(pub.code).toBe(0);
    const id = /^client created: client_id=(\S+) name=my-agent$/m.exec(pub.stdout)?.[1];
    expect(id).toMatch(/^[\w-]{22}$/);
    expect(pub.stdout).toContain('scope          read write\n');
    expect(pub.stdout).not.toContain('client_secret');

    const conf = await cmd(['admin', 'client', 'create', '--data-dir', dir, '--json', '--name', 'ci', '--client-id', 'ci-bot', '--grant-types', 'client_credentials', '--auth-method', 'client_secret_post', '--scope', 'read']);
    expect(conf.code).toBe(0);
    const created = JSON.parse(conf.stdout);
    expect(created).toMatchObject({ client_id: 'ci-bot', client_name: 'ci', grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_post', scope: ['read'], registration_source: 'admin', client_secret: expect.stringMatching(/^[\w-]{43}$/) });

    const humanSecret = await cmd(['admin', 'client', 'create', '--data-dir', dir, '--name', 'svc', '--auth-method', 'client_secret_basic', '--grant-types', 'client_credentials']);
    expect(humanSecret.stdout).toMatch(/^client_secret {2}[\w-]{43}\nstore it now, it is not shown again\n$/m);

    const list = await cmd(['admin', 'client', 'list', '--data-dir', dir, '--json']);
    const rows = JSON.parse(list.stdout);
    expect(rows.map((c: { client_id: string }) => c.client_id)).toEqual([id, 'ci-bot', expect.any(String)]);
    expect(list.stdout).not.toContain('"client_secret"');
    expect(list.stdout).not.toContain(created.client_secret);
    const show = await cmd(['admin', 'client', 'show', 'ci-bot', '--data-dir', dir, '--json']);
    expect(JSON.parse(show.stdout)).toEqual(rows[1]);
    expect(show.stdout).not.toContain(created.client_secret);
    const table = await cmd(['admin', 'client', 'list', '--data-dir', dir]);
    expect(table.stdout.split('\n')[0]).toMatch(/^CLIENT_ID\s+NAME\s+AUTH_METHOD\s+GRANT_TYPES\s+SCOPE\s+SOURCE\s+STATUS$/);
    expect(table.stdout).not.toContain(created.client_secret);

    const badRedirect = await cmd(['admin', 'client', 'create', '--data-dir', dir, '--name', 'x', '--redirect-uris', 'http://evil.example.com/cb']);
    expect(badRedirect.code).toBe(1);
    expect(badRedirect.stderr).toBe('authserver client create: redirect_uris.0: redirect URI "http://evil.example.com/cb" is not allowed: http is allowed only on a loopback host (localhost, 127.0.0.1, [::1]); use https\n');

    const del = await cmd(['admin', 'client', 'delete', 'ci-bot', '--data-dir', dir, '--json']);
    expect(JSON.parse(del.stdout)).toEqual({ deleted: true, client_id: 'ci-bot' });
  });

  it('client create/update --application-type (SEP-837): shown, checked against the redirect URIs', async () => {
    const dir = await tempDir();
    const native = await cmd(['admin', 'client', 'create', '--data-dir', dir, '--name', 'cli', '--client-id', 'cli', '--application-type', 'native', '--redirect-uris', 'http://127.0.0.1/callback']);
    expect(native.code).toBe(0);
    expect(native.stdout).toContain('app_type       native\n');
    const inferred = await cmd(['admin', 'client', 'create', '--data-dir', dir, '--json', '--name', 'site', '--redirect-uris', 'https://app.example.com/cb']);
    expect(JSON.parse(inferred.stdout)).toMatchObject({ application_type: 'web' });
    const bad = await cmd(['admin', 'client', 'create', '--data-dir', dir, '--name', 'x', '--application-type', 'web', '--redirect-uris', 'http://localhost:9/cb']);
    expect(bad).toMatchObject({ code: 1, stdout: '' });
    expect(bad.stderr).toBe(
      'authserver client create: redirect URI "http://localhost:9/cb" does not fit application_type "web": a web app\'s redirect URIs must be https on a host that is not loopback; a loopback or private-use redirect belongs to application_type "native"\n',
    );
    const unknown = await cmd(['admin', 'client', 'create', '--data-dir', dir, '--name', 'x', '--application-type', 'desktop']);
    expect(unknown.code).toBe(2);
    const moved = await cmd(['admin', 'client', 'update', 'cli', '--data-dir', dir, '--json', '--application-type', 'web', '--redirect-uris', 'https://cli.example.com/cb']);
    expect(JSON.parse(moved.stdout)).toMatchObject({ application_type: 'web', redirect_uris: ['https://cli.example.com/cb'] });
  });

  it('users, keys, consents, issuances and status', async () => {
    const dir = await tempDir();
    const user = await cmd(['admin', 'user', 'create', '--data-dir', dir, '--json', '--sub', 'alice', '--name', 'Alice', '--email', 'alice@example.com']);
    expect(JSON.parse(user.stdout)).toEqual({ sub: 'alice', name: 'Alice', email: 'alice@example.com', created_at: ISO });
    const users = await cmd(['admin', 'user', 'list', '--data-dir', dir, '--json']);
    expect(JSON.parse(users.stdout).map((u: { sub: string }) => u.sub).sort()).toEqual(['alice', 'dev-user']);

    const keys = await cmd(['admin', 'key', 'list', '--data-dir', dir, '--json']);
    const [key] = JSON.parse(keys.stdout);
    expect(key).toMatchObject({ alg: 'ES256', status: 'current' });
    expect(keys.stdout).not.toMatch(/"d":/);
    const rotated = await cmd(['admin', 'key', 'rotate', '--data-dir', dir]);
    expect(rotated.stdout).toMatch(/^key rotated: kid=[\w-]{22} alg=ES256\n$/);
    const keys2 = await cmd(['admin', 'key', 'list', '--data-dir', dir]);
    expect(keys2.stdout.split('\n')[0]).toMatch(/^KID\s+ALG\s+STATUS\s+CREATED_AT\s+RETIRE_AFTER$/);
    expect(keys2.stdout).toContain('previous');

    expect(JSON.parse((await cmd(['admin', 'consent', 'list', '--data-dir', dir, '--json'])).stdout)).toEqual([]);
    expect((await cmd(['admin', 'consent', 'list', '--data-dir', dir])).stdout).toBe('no consent grants found\n');
    expect((await cmd(['admin', 'consent', 'revoke', 'nope', '--data-dir', dir])).stderr).toBe('authserver consent revoke: consent grant "nope" not found\n');
    expect(JSON.parse((await cmd(['admin', 'issuance', 'list', '--data-dir', dir, '--json', '--resource', 'mcp-a', '--limit', '5'])).stdout)).toEqual({ issuances: [], next_cursor: null });
    expect((await cmd(['admin', 'issuance', 'list', '--data-dir', dir])).stdout).toBe('no issuances found\n');
    expect((await cmd(['admin', 'issuance', 'list', '--data-dir', dir, '--limit', '0'])).code).toBe(2);
    expect((await cmd(['admin', 'issuance', 'revoke', 'nope', '--data-dir', dir])).stderr).toBe('authserver issuance revoke: issuance "nope" not found\n');

    const status = await cmd(['admin', 'status', '--data-dir', dir, '--json']);
    expect(JSON.parse(status.stdout)).toMatchObject({ running: false, data_dir: dir, version: '0.1.0', counts: { users: 2, resources: 0 } });
  });

  it('user update changes only the given fields; --no-email removes the email', async () => {
    const dir = await tempDir();
    const created = JSON.parse((await cmd(['admin', 'user', 'create', '--data-dir', dir, '--json', '--sub', 'bob', '--email', 'bob@example.com'])).stdout);
    const renamed = await cmd(['admin', 'user', 'update', 'bob', '--data-dir', dir, '--json', '--name', 'Bob Builder']);
    expect(renamed.code).toBe(0);
    expect(JSON.parse(renamed.stdout)).toEqual({ sub: 'bob', name: 'Bob Builder', email: 'bob@example.com', created_at: created.created_at });
    const table = await cmd(['admin', 'user', 'update', 'bob', '--data-dir', dir, '--email', 'bob@example.org']);
    expect(table).toEqual({ code: 0, stderr: '', stdout: expect.stringMatching(/^user updated: sub=bob\nsub\s+bob\nname\s+Bob Builder\nemail\s+bob@example\.org\ncreated_at\s+\S+Z\n$/) });
    const cleared = await cmd(['admin', 'user', 'update', 'bob', '--data-dir', dir, '--json', '--no-email']);
    expect(JSON.parse(cleared.stdout)).toEqual({ sub: 'bob', name: 'Bob Builder', created_at: created.created_at });
    const list = JSON.parse((await cmd(['admin', 'user', 'list', '--data-dir', dir, '--json'])).stdout);
    expect(list.find((u: { sub: string }) => u.sub === 'bob')).toEqual(JSON.parse(cleared.stdout));

    const nothing = await cmd(['admin', 'user', 'update', 'bob', '--data-dir', dir]);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr.split('\n')[0]).toBe('authserver user update: nothing to update: pass at least one of --name, --email, --no-email');
    const badEmail = await cmd(['admin', 'user', 'update', 'bob', '--data-dir', dir, '--email', 'nope']);
    expect(badEmail.code).toBe(1);
    expect(badEmail.stderr).toMatch(/^authserver user update: email: /);
    expect(await cmd(['admin', 'user', 'update', 'nobody', '--data-dir', dir, '--name', 'X'])).toEqual({ code: 1, stdout: '', stderr: 'authserver user update: user "nobody" not found\n' });
  });

  it('AUTHPLANE_DATA_DIR selects the data dir; admin-level --data-dir works too', async () => {
    const dir = await tempDir();
    const e = cliEnv(home, { AUTHPLANE_DATA_DIR: dir });
    const created = await cmd(['admin', 'user', 'create', '--sub', 'env-user'], e);
    expect(created.code).toBe(0);
    const viaFlag = await cmd(['admin', '--data-dir', dir, '--json', 'user', 'list']);
    expect(JSON.parse(viaFlag.stdout).map((u: { sub: string }) => u.sub)).toContain('env-user');
  });

  it('seed apply (top-level and admin): idempotent, line-numbered errors', async () => {
    const dir = await tempDir();
    const seed = join(dir, 'seed.yaml');
    const first = await cmd(['seed', 'apply', 'resources/seeds/single-mcp.yaml', '--data-dir', dir]);
    expect(first.stderr).toBe('');
    expect(first.stdout).toBe(
      ['seed applied', 'resources: 1 created (mcp-a), 0 already present', 'clients: 1 created (my-agent), 0 already present', 'users: 1 created (alice), 0 already present', ''].join('\n'),
    );
    const again = await cmd(['admin', 'seed', 'apply', 'resources/seeds/single-mcp.yaml', '--data-dir', dir, '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ created: { resources: [], clients: [], users: [] }, skipped: { resources: ['mcp-a'], clients: ['my-agent'], users: ['alice'] } });

    await writeFile(seed, 'resources:\n  - slug: mcp-z\n    backend_kind: mint\n    uri: not a url\n');
    const bad = await cmd(['seed', 'apply', seed, '--data-dir', dir]);
    expect(bad).toEqual({ code: 1, stdout: '', stderr: `authserver seed apply: ${seed}:4: resources[0].uri: uri must be an absolute http(s) URL with a host and no fragment\n` });
    await writeFile(seed, 'resources:\n  - slug: Bad\n    uri: nope\n');
    const many = await cmd(['seed', 'apply', seed, '--data-dir', dir]);
    expect(many).toEqual({
      code: 1,
      stdout: '',
      stderr: [
        'authserver seed apply: 2 problems:',
        `  ${seed}:2: resources[0].slug: slug must match ^[a-z0-9][a-z0-9-]{0,63}$ (lowercase letters, digits and dashes)`,
        `  ${seed}:3: resources[0].uri: uri must be an absolute http(s) URL with a host and no fragment`,
        '',
      ].join('\n'),
    });
    const missing = await cmd(['seed', 'apply', join(dir, 'nope.yaml'), '--data-dir', dir]);
    expect(missing).toEqual({ code: 1, stdout: '', stderr: `authserver seed apply: cannot read ${join(dir, 'nope.yaml')}: no such file\n` });
  });
});
