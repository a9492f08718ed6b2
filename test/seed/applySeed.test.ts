/** The YAML seed loader against a real server's services and a temp data dir. */
import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applySeed, SeedError } from '../../server/seed';
import { exportSeed } from '../../server/seed/exportSeed';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.stop();
});

const counts = (s: TestServer) => ({
  resources: s.services.resources.list().length,
  clients: s.services.clients.list().length,
  users: s.services.users.list().length,
});

async function seedError(text: string, file?: string): Promise<SeedError> {
  const err = await applySeed(server.services, text, { file }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SeedError);
  return err as SeedError;
}

describe('resources/seeds/single-mcp.yaml', () => {
  it('creates mcp-a, my-agent and alice, then is idempotent', async () => {
    const text = await readFile('resources/seeds/single-mcp.yaml', 'utf8');
    const first = await applySeed(server.services, text, { file: 'single-mcp.yaml' });
    expect(first).toEqual({
      created: { resources: ['mcp-a'], clients: ['my-agent'], users: ['alice'] },
      skipped: { resources: [], clients: [], users: [] },
      differing: { resources: [], clients: [], users: [] },
      updated: { resources: [], clients: [], users: [] },
      clients: [{ name: 'my-agent', client_id: 'my-agent', created: true }],
      warnings: [],
    });
    const r = server.services.resources.require('mcp-a');
    expect(r).toMatchObject({ uri: 'http://127.0.0.1:3001/mcp', display_name: 'MCP A', backend_kind: 'mint', scopes: [{ name: 'read', description: 'Read access' }, { name: 'write', description: 'Write access' }] });
    expect(server.services.clients.require('my-agent')).toMatchObject({ client_name: 'my-agent', token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'], scope: ['read', 'write'], redirect_uris: [] });
    expect(server.services.users.get('alice')).toMatchObject({ sub: 'alice', name: 'Alice', email: 'alice@example.com' });

    const before = counts(server);
    const second = await applySeed(server.services, text, { file: 'single-mcp.yaml' });
    expect(second).toEqual({
      created: { resources: [], clients: [], users: [] },
      skipped: { resources: ['mcp-a'], clients: ['my-agent'], users: ['alice'] },
      differing: { resources: [], clients: [], users: [] },
      updated: { resources: [], clients: [], users: [] },
      clients: [{ name: 'my-agent', client_id: 'my-agent', created: false }],
      warnings: [],
    });
    expect(counts(server)).toEqual(before);
  });
});

describe('product seed format', () => {
  it('loads the product YAML unchanged, warning about the keys it ignores', async () => {
    const text = [
      'server: { issuer: http://localhost:9000, address: ":9000" }', // 1
      'oauth: { require_scope: true }', // 2
      'dcr: { mode: open }', // 3
      'resources:', // 4
      '  - slug: mcp-a', // 5
      '    uri: https://mcp-a.example.com', // 6
      '    backend_kind: mint', // 7
      '    display_name: "MCP A"', // 8
      '    description: unused', // 9
      '    scopes:', // 10
      '      - { name: read,  description: "Read access" }', // 11
      '      - { name: write, description: "Write access" }', // 12
      '    policy:', // 13
      '      exchange: { allowed_client_ids: [] }', // 14
    ].join('\n');
    const r = await applySeed(server.services, text, { file: 'product.yaml' });
    expect(r.created.resources).toEqual(['mcp-a']);
    expect(r.warnings).toEqual([
      'product.yaml:1: server: ignored: "server" is configured by `authserver serve` flags locally',
      'product.yaml:2: oauth: ignored: "oauth" is configured by `authserver serve` flags locally',
      'product.yaml:3: dcr: ignored: "dcr" is configured by `authserver serve` flags locally',
      'product.yaml:9: resources[0].description: ignored: "description" has no effect in the local edition',
    ]);
  });

  it('matches a client without client_id by name, so a second apply creates no duplicate', async () => {
    const text = 'clients:\n  - name: ci-bot\n    grant_types: [client_credentials]\n    auth_method: client_secret_basic\n    scopes:\n      - name: read\n        description: Read access\n';
    const first = await applySeed(server.services, text);
    expect(first.created.clients).toHaveLength(1);
    const id = first.created.clients[0]!;
    expect(first.clients).toEqual([{ name: 'ci-bot', client_id: id, created: true, client_secret: expect.stringMatching(/^[\w-]{43}$/) }]);
    expect(server.services.clients.require(id)).toMatchObject({ scope: ['read'], token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'] });
    const second = await applySeed(server.services, text);
    expect(second.created.clients).toEqual([]);
    expect(second.clients).toEqual([{ name: 'ci-bot', client_id: id, created: false }]);
    expect(server.services.clients.list().filter((c) => c.client_name === 'ci-bot')).toHaveLength(1);
  });

  it('reports a stored row that differs from the seed (not "already present") and leaves it; update applies the difference', async () => {
    await server.services.resources.create({ slug: 'mcp-a', uri: 'https://old.example.com', scopes: [] });
    await server.services.users.create({ sub: 'alice', name: 'Alice' });
    const text = 'resources:\n  - slug: mcp-a\n    uri: https://new.example.com\n    scopes: [{ name: read }]\nusers:\n  - sub: alice\n    name: Alice\n';
    const r = await applySeed(server.services, text);
    expect(r.skipped).toEqual({ resources: [], clients: [], users: ['alice'] });
    expect(r.differing.resources).toEqual(['mcp-a']);
    expect(r.warnings).toEqual(['resource "mcp-a" differs from the seed (uri "https://old.example.com" → "https://new.example.com", scopes [] → [{"name":"read"}]); left as stored: `seed apply --update` applies the seed']);
    expect(server.services.resources.require('mcp-a').uri).toBe('https://old.example.com');

    const u = await applySeed(server.services, text, { update: true });
    expect(u.updated.resources).toEqual(['mcp-a']);
    expect(u.warnings).toEqual([]);
    expect(server.services.resources.require('mcp-a')).toMatchObject({ uri: 'https://new.example.com', scopes: [{ name: 'read' }] });
    // Applied: a third run finds nothing to change.
    const again = await applySeed(server.services, text);
    expect(again.skipped.resources).toEqual(['mcp-a']);
    expect(again.warnings).toEqual([]);
  });

  it('compares the policy too: a runtime list that differs is reported, and update applies it', async () => {
    await server.services.resources.create({ slug: 'mcp-a', uri: 'https://a.example.com', scopes: [], policy: { exchange: { allowed_client_ids: ['gw'] } } });
    const text = 'resources:\n  - slug: mcp-a\n    uri: https://a.example.com\n    scopes: []\n    policy:\n      runtime: { client_ids: [mcp-a-rs] }\n      exchange: { allowed_client_ids: [gw] }\n';
    const r = await applySeed(server.services, text);
    expect(r.warnings).toEqual(['resource "mcp-a" differs from the seed (policy {"exchange":{"allowed_client_ids":["gw"]}} → {"exchange":{"allowed_client_ids":["gw"]},"runtime":{"client_ids":["mcp-a-rs"]}}); left as stored: `seed apply --update` applies the seed']);
    expect((await applySeed(server.services, text, { update: true })).updated.resources).toEqual(['mcp-a']);
    expect(server.services.resources.require('mcp-a').policy).toEqual({ runtime: { client_ids: ['mcp-a-rs'] }, exchange: { allowed_client_ids: ['gw'] } });
    // The same lists in another order of keys, or through the sub-list API, are no difference.
    await server.services.policies.remove('mcp-a', 'runtime', 'mcp-a-rs');
    await server.services.clients.create({ client_name: 'rs', client_id: 'mcp-a-rs', grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_basic' });
    await server.services.policies.add('mcp-a', 'runtime', { client_id: 'mcp-a-rs' });
    expect((await applySeed(server.services, text)).warnings).toEqual([]);
  });

  it('exports the policy and the fronting links, and the export loads back into the same rows', async () => {
    await server.services.resources.create({ slug: 'gw', uri: 'https://gw.example.com', scopes: [{ name: 'A' }] });
    await server.services.resources.create({ slug: 'hidden', uri: 'https://hidden.example.com', scopes: [{ name: 'AA' }, { name: 'BB' }], policy: { runtime: { client_ids: ['rs'] }, exchange: { allowed_client_ids: ['gw-client'] } } });
    await server.services.fronting.create({ source: 'gw', target: 'hidden', scope_map: { A: ['AA', 'BB'] } });
    const text = exportSeed(server.services);
    expect(text).toContain('fronting:\n  - source: gw\n    target: hidden\n    scope_map: A:AA+BB\n');
    const other = await startTestServer();
    try {
      await applySeed(other.services, text);
      expect(other.services.resources.require('hidden').policy).toEqual(server.services.resources.require('hidden').policy);
      expect(other.services.resources.require('gw').policy).toBeUndefined();
      expect(other.services.fronting.list().map(({ id, source, target, scope_map }) => ({ id, source, target, scope_map }))).toEqual([{ id: 'gw/hidden', source: 'gw', target: 'hidden', scope_map: { A: ['AA', 'BB'] } }]);
    } finally {
      await other.stop();
    }
  });

  it('treats an empty file and empty sections as nothing to do', async () => {
    expect((await applySeed(server.services, '')).created).toEqual({ resources: [], clients: [], users: [] });
    expect((await applySeed(server.services, 'resources:\nclients: []\n')).created).toEqual({ resources: [], clients: [], users: [] });
  });
});

describe('errors name the line', () => {
  it('points a bad uri at its line', async () => {
    const err = await seedError(['resources:', '  - slug: mcp-a', '    backend_kind: mint', '    display_name: MCP A', '    scopes:', '      - name: read', '    uri: not-a-url'].join('\n'));
    expect(err.issues).toEqual(['seed.yaml:7: resources[0].uri: uri must be an absolute http(s) URL with a host and no fragment']);
    expect(err.message).toBe('seed.yaml:7: resources[0].uri: uri must be an absolute http(s) URL with a host and no fragment');
    expect(err.status).toBe(400);
    expect(err.toJSON()).toMatchObject({ error: 'invalid_request', issues: err.issues });
  });

  it('reports every problem of the file, each with its own line, and names the given file', async () => {
    const text = [
      'resources:', // 1
      '  - slug: Bad_Slug', // 2
      '    uri: https://a.example.com', // 3
      '  - slug: mcp-b', // 4
      '    uri: https://b.example.com', // 5
      '    backend_kind: broker', // 6
      '    scopes:', // 7
      '      - name: "has space"', // 8
      'clients:', // 9
      '  - name: agent', // 10
      '    grant_types: [password]', // 11
      '    redirect_uris: ["http://evil.example.com/cb"]', // 12
      '    colour: blue', // 13
      'users:', // 14
      '  - name: no-sub', // 15
      'extra: 1', // 16
    ].join('\n');
    const err = await seedError(text, 'dir/my-seed.yaml');
    expect(err.issues).toEqual([
      'dir/my-seed.yaml:2: resources[0].slug: slug must match ^[a-z0-9][a-z0-9-]{0,63}$ (lowercase letters, digits and dashes)',
      'dir/my-seed.yaml:6: resources[1].backend_kind: backend_kind must be "mint" (broker resources are not supported locally)',
      'dir/my-seed.yaml:8: resources[1].scopes[0].name: scope name must be printable ASCII without spaces, quotes or backslashes',
      'dir/my-seed.yaml:11: clients[0].grant_types[0]: Invalid option: expected one of "authorization_code"|"refresh_token"|"client_credentials"|"urn:ietf:params:oauth:grant-type:token-exchange"',
      'dir/my-seed.yaml:12: clients[0].redirect_uris[0]: redirect URI "http://evil.example.com/cb" is not allowed: http is allowed only on a loopback host (localhost, 127.0.0.1, [::1]); use https',
      'dir/my-seed.yaml:13: clients[0].colour: unknown key "colour"',
      'dir/my-seed.yaml:15: users[0].sub: is required (expected string)',
      'dir/my-seed.yaml:16: extra: unknown key "extra"',
    ]);
  });

  it('finds duplicates inside the file and URI conflicts with stored resources', async () => {
    await server.services.resources.create({ slug: 'existing', uri: 'https://taken.example.com' });
    const text = [
      'resources:', // 1
      '  - slug: one', // 2
      '    uri: https://one.example.com', // 3
      '  - slug: one', // 4
      '    uri: https://two.example.com', // 5
      '  - slug: three', // 6
      '    uri: https://taken.example.com', // 7
      'users:', // 8
      '  - sub: bob', // 9
      '  - sub: bob', // 10
    ].join('\n');
    const err = await seedError(text);
    expect(err.issues).toEqual([
      'seed.yaml:4: resources[1].slug: duplicate slug "one" (also resources[0], line 2)',
      'seed.yaml:7: resources[2].uri: uri "https://taken.example.com" is already registered as resource "existing"',
      'seed.yaml:10: users[1].sub: duplicate sub "bob" (also users[0], line 9)',
    ]);
  });

  it('reports YAML syntax errors with their line', async () => {
    const err = await seedError('resources:\n  - slug: a\n    uri: [unclosed\n');
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]).toMatch(/^seed\.yaml:\d+: invalid YAML: /);
    const top = await seedError('- just\n- a list\n');
    expect(top.issues).toEqual(['seed.yaml:1: a seed must be a mapping with resources:, clients: and/or users:']);
  });

  it('writes nothing when any row is invalid', async () => {
    const before = counts(server);
    const text = ['users:', '  - sub: carol', 'resources:', '  - slug: good', '    uri: https://good.example.com', 'clients:', '  - name: x', '    auth_method: private_key_jwt'].join('\n');
    const err = await seedError(text);
    expect(err.issues).toEqual(['seed.yaml:8: clients[0].auth_method: Invalid option: expected one of "none"|"client_secret_basic"|"client_secret_post"']);
    expect(counts(server)).toEqual(before);
    expect(server.services.users.get('carol')).toBeUndefined();
    expect(server.services.resources.get('good')).toBeUndefined();
  });
});
