/** `authserver admin fronting …` and the token-exchange grant on `client create`, as a child process on a data dir (no server). */
import { beforeAll, describe, expect, it } from 'vitest';
import { cliSuite, tempDir } from './helpers';

const suite = cliSuite();
let dataDir: string;
beforeAll(async () => {
  dataDir = await tempDir();
});

const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
const cmd = (...args: string[]) => suite.cmd(['admin', ...args, '--data-dir', dataDir]);
const TE = 'urn:ietf:params:oauth:grant-type:token-exchange';

describe('admin fronting', () => {
  it('creates (dry run first), lists, gets and deletes a link', async () => {
    expect((await cmd('resource', 'create', '--slug', 'mcp-gw', '--uri', 'https://mcp-gw.example.com', '--scopes', 'A||Scope A', '--scopes', 'B||Scope B')).code).toBe(0);
    expect((await cmd('resource', 'create', '--slug', 'rest-api', '--uri', 'https://rest-api.example.com', '--scopes', 'AA', '--scopes', 'BB', '--scopes', 'CC')).code).toBe(0);

    const dry = await cmd('fronting', 'create', '--source', 'mcp-gw', '--target', 'rest-api', '--scope-map', 'A:AA,B:BB+CC', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^fronting link valid \(dry run, not stored\): source=mcp-gw target=rest-api\n/);
    expect((await cmd('fronting', 'list')).stdout).toBe('no fronting links found\n');

    const created = await cmd('fronting', 'create', '--source', 'mcp-gw', '--target', 'rest-api', '--scope-map', 'A:AA,B:BB+CC', '--json');
    expect(created.code).toBe(0);
    const row = { id: 'mcp-gw/rest-api', source: 'mcp-gw', target: 'rest-api', scope_map: { A: ['AA'], B: ['BB', 'CC'] }, created_at: ISO };
    expect(JSON.parse(created.stdout)).toEqual(row);

    const list = await cmd('fronting', 'list');
    expect(list.stdout).toMatch(/^SOURCE\s+TARGET\s+SCOPE_MAP\s+CREATED_AT\nmcp-gw\s+rest-api\s+A:AA,B:BB\+CC\s+\S+\n$/);
    expect(JSON.parse((await cmd('fronting', 'list', '--json')).stdout)).toEqual([row]);
    const got = await cmd('fronting', 'get', '--source', 'mcp-gw', '--target', 'rest-api');
    expect(got.stdout).toMatch(/^source\s+mcp-gw\ntarget\s+rest-api\nscope_map\s+A:AA,B:BB\+CC\ncreated_at\s+\S+\n$/);

    const refused = await cmd('resource', 'delete', 'rest-api');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe('authserver resource delete: resource "rest-api" is referenced by fronting link "mcp-gw" -> "rest-api"; delete it first, or delete with cascade\n');

    const del = await cmd('fronting', 'delete', '--source', 'mcp-gw', '--target', 'rest-api');
    expect(del).toMatchObject({ code: 0, stdout: 'fronting link deleted: source=mcp-gw target=rest-api\n' });
    const gone = await cmd('fronting', 'get', '--source', 'mcp-gw', '--target', 'rest-api');
    expect(gone).toMatchObject({ code: 1, stderr: 'authserver fronting show: fronting link "mcp-gw" -> "rest-api" not found\n' });
  });

  it('a malformed --scope-map is a usage error (exit 2); a bad scope name is the server-side message', async () => {
    const bad = await cmd('fronting', 'create', '--source', 'mcp-gw', '--target', 'rest-api', '--scope-map', 'A=AA');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('authserver fronting create: --scope-map entry "A=AA" must be SOURCE:TARGET (e.g. A:AA, or read:repo+org to fan out)\n');
    const unknown = await cmd('fronting', 'create', '--source', 'mcp-gw', '--target', 'rest-api', '--scope-map', 'A:ZZ');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('authserver fronting create: scope_map: target scope "ZZ" is not defined on resource "rest-api" (its scopes: AA BB CC)\n');
    const missing = await cmd('fronting', 'create', '--source', 'mcp-gw', '--scope-map', 'A:AA');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '--target <slug>' not specified");
  });

  it('client create accepts the token-exchange grant; the resource takes an exchange policy', async () => {
    const c = await cmd('client', 'create', '--name', 'mcp-gw', '--grant-types', `client_credentials,${TE}`, '--auth-method', 'client_secret_basic', '--json');
    expect(c.code).toBe(0);
    const client = JSON.parse(c.stdout);
    expect(client.grant_types).toEqual(['client_credentials', TE]);
    const r = await cmd('resource', 'update', 'rest-api', '--policy-allowed-clients', client.client_id, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).policy).toEqual({ exchange: { allowed_client_ids: [client.client_id] } });
  });

  it('update replaces the scope map (dry run first), with the same validation as create', async () => {
    expect((await cmd('fronting', 'create', '--source', 'mcp-gw', '--target', 'rest-api', '--scope-map', 'A:AA')).code).toBe(0);
    const dry = await cmd('fronting', 'update', '--source', 'mcp-gw', '--target', 'rest-api', '--scope-map', 'A:CC,B:AA+BB', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^fronting link update valid \(dry run, not stored\): source=mcp-gw target=rest-api\nsource\s+mcp-gw\ntarget\s+rest-api\nscope_map\s+A:CC,B:AA\+BB\ncreated_at\s+\S+\nupdated_at\s+\S+\n$/);
    expect(JSON.parse((await cmd('fronting', 'get', '--source', 'mcp-gw', '--target', 'rest-api', '--json')).stdout).scope_map).toEqual({ A: ['AA'] });

    const updated = await cmd('fronting', 'update', '--source', 'mcp-gw', '--target', 'rest-api', '--scope-map', 'A:CC,B:AA+BB', '--json');
    expect(updated.code).toBe(0);
    expect(JSON.parse(updated.stdout)).toEqual({ id: 'mcp-gw/rest-api', source: 'mcp-gw', target: 'rest-api', scope_map: { A: ['CC'], B: ['AA', 'BB'] }, created_at: ISO, updated_at: ISO });
    const plain = await cmd('fronting', 'update', '--source', 'mcp-gw', '--target', 'rest-api', '--scope-map', 'A:BB');
    expect(plain.stdout).toMatch(/^fronting link updated: source=mcp-gw target=rest-api\n/);

    const unknown = await cmd('fronting', 'update', '--source', 'mcp-gw', '--target', 'rest-api', '--scope-map', 'A:ZZ');
    expect(unknown).toMatchObject({ code: 1, stderr: 'authserver fronting update: scope_map: target scope "ZZ" is not defined on resource "rest-api" (its scopes: AA BB CC)\n' });
    const bad = await cmd('fronting', 'update', '--source', 'mcp-gw', '--target', 'rest-api', '--scope-map', 'A=AA');
    expect(bad).toMatchObject({ code: 2, stderr: 'authserver fronting update: --scope-map entry "A=AA" must be SOURCE:TARGET (e.g. A:AA, or read:repo+org to fan out)\n' });
    const none = await cmd('fronting', 'update', '--source', 'rest-api', '--target', 'mcp-gw', '--scope-map', 'AA:A');
    expect(none).toMatchObject({ code: 1, stderr: 'authserver fronting update: fronting link "rest-api" -> "mcp-gw" not found\n' });
    expect(JSON.parse((await cmd('fronting', 'get', '--source', 'mcp-gw', '--target', 'rest-api', '--json')).stdout).scope_map).toEqual({ A: ['BB'] });
  });
});
