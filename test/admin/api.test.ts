/** The admin REST API on a real server (127.0.0.1:0, temp data dir): guards, bodies, CRUD. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { call, ID22, ISO } from './helpers';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

const resourceInput = { slug: 'mcp-a', uri: 'http://127.0.0.1:3001/mcp', display_name: 'MCP A', scopes: [{ name: 'read', description: 'Read access' }, { name: 'write', description: 'Write access' }] };

describe('authentication', () => {
  it('401 without a token, with a Bearer challenge', async () => {
    const r = await call(server, 'GET', '/resources', { token: null });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe('Bearer realm="authplane-admin"');
    expect(r.body).toEqual({ error: 'unauthorized', error_description: 'admin token required: send Authorization: Bearer <token from the data dir>', status: 401, title: 'Unauthorized' });
  });

  it('401 with a wrong token, on known and unknown paths alike', async () => {
    for (const path of ['/resources', '/status', '/no-such-thing']) {
      const r = await call(server, 'GET', path, { token: 'wrong' });
      expect(r.status).toBe(401);
      expect(r.body).toMatchObject({ error: 'unauthorized', error_description: 'invalid admin token' });
    }
    const basic = await call(server, 'GET', '/resources', { token: null, headers: { authorization: `Basic ${Buffer.from(`admin:${server.adminToken}`).toString('base64')}` } });
    expect(basic.status).toBe(401);
  });

  it('unknown admin paths are JSON 404s after authentication', async () => {
    const r = await call(server, 'GET', '/no-such-thing');
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ error: 'not_found', error_description: 'no admin route for GET /admin/api/no-such-thing' });
  });

  it('sends no CORS headers and no-store', async () => {
    const r = await call(server, 'GET', '/resources', { headers: { origin: 'http://evil.example' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('access-control-allow-origin')).toBeNull();
    expect(r.headers.get('cache-control')).toBe('no-store');
    const pre = await fetch(`${server.issuer}/admin/api/resources`, { method: 'OPTIONS', headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' } });
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('origin and body guards', () => {
  it('403 forbidden_origin for a state change from another origin (even with the token)', async () => {
    for (const origin of ['http://evil.example', 'null', 'http://127.0.0.1:1']) {
      const r = await call(server, 'POST', '/resources', { json: { ...resourceInput, slug: 'evil' }, headers: { origin } });
      expect(r.status).toBe(403);
      expect(r.body).toEqual({ error: 'forbidden_origin', error_description: `admin changes are not accepted from origin ${origin}; only this server's own pages may change state`, status: 403, title: 'Forbidden' });
    }
    const del = await call(server, 'DELETE', '/users/dev-user', { headers: { origin: 'http://evil.example' } });
    expect(del.status).toBe(403);
    expect(server.services.users.get('dev-user')).toBeDefined();
    expect(server.services.resources.get('evil')).toBeUndefined();
  });

  it("accepts the server's own origin and its loopback aliases", async () => {
    const port = new URL(server.issuer).port;
    const a = await call(server, 'POST', '/users', { json: { sub: 'origin-a' }, headers: { origin: server.issuer } });
    expect(a.status).toBe(201);
    const b = await call(server, 'POST', '/users', { json: { sub: 'origin-b' }, headers: { origin: `http://localhost:${port}` } });
    expect(b.status).toBe(201);
  });

  it('415 for a non-JSON body', async () => {
    const r = await call(server, 'POST', '/resources', { body: 'slug=x', contentType: 'application/x-www-form-urlencoded' });
    expect(r.status).toBe(415);
    expect(r.body).toEqual({ error: 'invalid_request', error_description: 'content type must be application/json (got application/x-www-form-urlencoded)', status: 415, title: 'Unsupported Media Type' });
  });

  it('400 invalid_request "invalid JSON body" on broken JSON', async () => {
    const r = await call(server, 'POST', '/resources', { body: '{"slug": ', contentType: 'application/json' });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ error: 'invalid_request', error_description: 'invalid JSON body', status: 400, title: 'Bad Request' });
  });

  it('413 for a body over 1 MB', async () => {
    const r = await call(server, 'POST', '/resources', { body: JSON.stringify({ slug: 'x', pad: 'a'.repeat(1024 * 1024) }), contentType: 'application/json' });
    expect(r.status).toBe(413);
    expect(r.body).toMatchObject({ error: 'invalid_request', error_description: 'request body is larger than 1048576 bytes' });
  });
});

describe('resources', () => {
  it('creates (201), refuses a duplicate slug (409), validates, reads, patches, deletes', async () => {
    const created = await call(server, 'POST', '/resources', { json: resourceInput });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/admin/api/resources/mcp-a');
    expect(created.body).toEqual({ ...resourceInput, backend_kind: 'mint', id: ID22, created_at: ISO, updated_at: ISO });
    expect(server.services.resources.get('mcp-a')).toEqual(created.body);

    const dup = await call(server, 'POST', '/resources', { json: { ...resourceInput, uri: 'https://other.example.com' } });
    expect(dup.status).toBe(409);
    expect(dup.body).toEqual({ error: 'conflict', error_description: 'resource "mcp-a" already exists', status: 409, title: 'Conflict' });

    const dupUri = await call(server, 'POST', '/resources', { json: { ...resourceInput, slug: 'mcp-b' } });
    expect(dupUri.status).toBe(409);
    expect(dupUri.body.error_description).toBe('resource URI "http://127.0.0.1:3001/mcp" is already registered as "mcp-a"');

    const bad = await call(server, 'POST', '/resources', { json: { slug: 'mcp-c', uri: 'mcp-c.example.com' } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: 'invalid_request', error_description: 'uri: uri must be an absolute http(s) URL with a host and no fragment' });

    expect((await call(server, 'GET', '/resources')).body.map((r: { slug: string }) => r.slug)).toContain('mcp-a');
    expect((await call(server, 'GET', '/resources/mcp-a')).body).toEqual(created.body);

    const patched = await call(server, 'PATCH', '/resources/mcp-a', { json: { display_name: 'MCP A (renamed)', access_token_ttl: 300 } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ slug: 'mcp-a', display_name: 'MCP A (renamed)', access_token_ttl: 300, uri: resourceInput.uri });
    // A patch changes only what it names: the scope catalog is kept.
    expect(patched.body.scopes).toEqual(created.body.scopes);
    expect(patched.body.scopes.length).toBeGreaterThan(0);

    const badPatch = await call(server, 'PATCH', '/resources/mcp-a', { json: { backend_kind: 'broker' } });
    expect(badPatch.status).toBe(400);
    expect(badPatch.body.error_description).toBe('backend_kind: backend_kind must be "mint" (broker resources are not supported locally)');

    const missing = await call(server, 'GET', '/resources/nope');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: 'not_found', error_description: 'resource "nope" not found', status: 404, title: 'Not Found' });

    await call(server, 'POST', '/resources', { json: { slug: 'temp', uri: 'https://temp.example.com' } });
    const del = await call(server, 'DELETE', '/resources/temp');
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    expect((await call(server, 'GET', '/resources/temp')).status).toBe(404);
    expect((await call(server, 'DELETE', '/resources/temp')).status).toBe(404);
  });
});

describe('clients', () => {
  it('returns the secret once on create, never afterwards', async () => {
    const r = await call(server, 'POST', '/clients', { json: { client_name: 'ci-bot', grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_basic', scope: ['read'] } });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({
      client_id: ID22,
      client_name: 'ci-bot',
      redirect_uris: [],
      grant_types: ['client_credentials'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: ['read'],
      status: 'active',
      registration_source: 'admin',
      client_secret: expect.stringMatching(/^[\w-]{43}$/),
      created_at: ISO,
      updated_at: ISO,
    });
    const id = r.body.client_id as string;
    const shown = await call(server, 'GET', `/clients/${id}`);
    expect(shown.body).not.toHaveProperty('client_secret');
    expect(shown.body).not.toHaveProperty('secret_hash');
    expect(shown.text).not.toContain(r.body.client_secret);
    const list = await call(server, 'GET', '/clients');
    expect(list.text).not.toContain('"client_secret"');
    expect(list.text).not.toContain('secret_hash');
  });

  it('public clients have no secret; ids that are URLs work when encoded', async () => {
    const cimd = 'https://app.example.com/oauth/client.json';
    const r = await call(server, 'POST', '/clients', { json: { client_name: 'CIMD-ish', client_id: cimd, redirect_uris: ['http://127.0.0.1:8765/callback'] } });
    expect(r.status).toBe(201);
    expect(r.body).not.toHaveProperty('client_secret');
    expect(r.headers.get('location')).toBe(`/admin/api/clients/${encodeURIComponent(cimd)}`);
    const path = `/clients/${encodeURIComponent(cimd)}`;
    expect((await call(server, 'GET', path)).body).toMatchObject({ client_id: cimd, client_name: 'CIMD-ish' });
    const patched = await call(server, 'PATCH', path, { json: { status: 'suspended', client_name: 'Renamed' } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ client_id: cimd, status: 'suspended', client_name: 'Renamed' });
    const badPatch = await call(server, 'PATCH', path, { json: { token_endpoint_auth_method: 'client_secret_post' } });
    expect(badPatch.status).toBe(400);
    expect(badPatch.body.error_description).toBe('Unrecognized key: "token_endpoint_auth_method"');
    const dup = await call(server, 'POST', '/clients', { json: { client_name: 'again', client_id: cimd } });
    expect(dup.status).toBe(409);
    expect(dup.body.error_description).toBe(`client "${cimd}" already exists`);
    expect((await call(server, 'DELETE', path)).status).toBe(204);
    expect((await call(server, 'GET', path)).status).toBe(404);
  });

  it('validates redirect URIs with the shared contract', async () => {
    const r = await call(server, 'POST', '/clients', { json: { client_name: 'bad', redirect_uris: ['http://evil.example.com/cb'] } });
    expect(r.status).toBe(400);
    expect(r.body.error_description).toBe('redirect_uris.0: redirect URI "http://evil.example.com/cb" is not allowed: http is allowed only on a loopback host (localhost, 127.0.0.1, [::1]); use https');
  });
});

describe('users', () => {
  it('lists (the default user exists), creates, refuses duplicates, deletes', async () => {
    expect((await call(server, 'GET', '/users')).body.map((u: { sub: string }) => u.sub)).toContain('dev-user');
    const r = await call(server, 'POST', '/users', { json: { sub: 'alice', name: 'Alice', email: 'alice@example.com' } });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ sub: 'alice', name: 'Alice', email: 'alice@example.com', created_at: ISO });
    expect((await call(server, 'GET', '/users/alice')).body).toEqual(r.body);
    const dup = await call(server, 'POST', '/users', { json: { sub: 'alice' } });
    expect(dup.status).toBe(409);
    expect(dup.body.error_description).toBe('user "alice" already exists');
    expect((await call(server, 'DELETE', '/users/alice')).status).toBe(204);
    expect((await call(server, 'GET', '/users/alice')).status).toBe(404);
  });

  it('edits the name and email (null removes the email), never the sub; emits user.updated', async () => {
    const created = (await call(server, 'POST', '/users', { json: { sub: 'carol', name: 'Carol', email: 'carol@example.com' } })).body;
    const events: unknown[] = [];
    const off = server.events.subscribe((e) => e.type === 'user.updated' && events.push(e.data));
    try {
      const r = await call(server, 'PATCH', '/users/carol', { json: { name: 'Carol Example', email: 'carol@example.org' } });
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ sub: 'carol', name: 'Carol Example', email: 'carol@example.org', created_at: created.created_at });
      expect((await call(server, 'GET', '/users/carol')).body).toEqual(r.body);
      // Only what is named changes.
      const named = await call(server, 'PATCH', '/users/carol', { json: { name: 'C.' } });
      expect(named.body).toEqual({ ...r.body, name: 'C.' });
      const cleared = await call(server, 'PATCH', '/users/carol', { json: { email: null } });
      expect(cleared.status).toBe(200);
      expect(cleared.body).toEqual({ sub: 'carol', name: 'C.', created_at: created.created_at });
      expect(server.services.users.get('carol')).toEqual(cleared.body);
      expect(events).toEqual([{ user: r.body }, { user: named.body }, { user: cleared.body }]);
    } finally {
      off();
    }
  });

  it('refuses a bad edit, the sub, and an unknown user', async () => {
    await call(server, 'POST', '/users', { json: { sub: 'dave' } });
    const badEmail = await call(server, 'PATCH', '/users/dave', { json: { email: 'not-an-email' } });
    expect(badEmail.status).toBe(400);
    expect(badEmail.body.error).toBe('invalid_request');
    expect(badEmail.body.error_description).toMatch(/^email: /);
    const emptyName = await call(server, 'PATCH', '/users/dave', { json: { name: '' } });
    expect(emptyName.status).toBe(400);
    expect(emptyName.body.error_description).toMatch(/^name: /);
    const sub = await call(server, 'PATCH', '/users/dave', { json: { sub: 'eve' } });
    expect(sub.status).toBe(400);
    expect(sub.body.error_description).toBe('Unrecognized key: "sub"');
    expect(server.services.users.get('dave')).toMatchObject({ sub: 'dave', name: 'dave' });
    const missing = await call(server, 'PATCH', '/users/nobody', { json: { name: 'X' } });
    expect(missing.status).toBe(404);
    expect(missing.body.error_description).toBe('user "nobody" not found');
  });
});

describe('keys', () => {
  it('lists the current key and rotates', async () => {
    const before = await call(server, 'GET', '/keys');
    expect(before.status).toBe(200);
    const current = before.body.filter((k: { status: string; alg: string }) => k.status === 'current' && k.alg === 'ES256');
    expect(current).toHaveLength(1);
    expect(JSON.stringify(before.body)).not.toMatch(/"d":/);
    const rotated = await call(server, 'POST', '/keys/rotate', { json: { alg: 'ES256' } });
    expect(rotated.status).toBe(201);
    expect(rotated.body).toMatchObject({ kid: ID22, alg: 'ES256', status: 'current', created_at: ISO });
    expect(rotated.body.public_jwk).toMatchObject({ kty: 'EC', crv: 'P-256', kid: rotated.body.kid, alg: 'ES256', use: 'sig' });
    expect(rotated.body.public_jwk).not.toHaveProperty('d');
    const after = await call(server, 'POST', '/keys/rotate');
    expect(after.status).toBe(201);
    const list = (await call(server, 'GET', '/keys')).body as Array<{ kid: string; status: string }>;
    expect(list.find((k) => k.kid === current[0].kid)?.status).toBe('previous');
    expect(list.find((k) => k.kid === after.body.kid)?.status).toBe('current');
    const bad = await call(server, 'POST', '/keys/rotate', { json: { alg: 'HS256' } });
    expect(bad.status).toBe(400);
  });
});

describe('status and activity', () => {
  it('GET /status describes the server', async () => {
    const r = await call(server, 'GET', '/status');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      issuer: server.issuer,
      version: '0.1.0',
      data_dir: server.dataDir,
      pid: process.pid,
      consent_mode: 'auto',
      default_user: 'dev-user',
      signing_alg: 'ES256',
      refresh_grace_s: 0,
      counts: {
        resources: expect.any(Number),
        clients: expect.any(Number),
        users: expect.any(Number),
        consents: expect.any(Number),
        issuances: expect.any(Number),
        refresh_families: expect.any(Number),
        keys: expect.any(Number),
        pending_interactions: 0,
      },
    });
    expect(r.body.counts.resources).toBe(server.services.resources.list().length);
  });

  it('GET /activity lists public requests newest first', async () => {
    await fetch(`${server.issuer}/.well-known/oauth-authorization-server`);
    await fetch(`${server.issuer}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=password' });
    const r = await call(server, 'GET', '/activity?limit=2');
    expect(r.status).toBe(200);
    expect(r.body).toHaveLength(2);
    expect(r.body[0]).toMatchObject({ method: 'POST', path: '/oauth/token', status: 400 });
    expect(r.body[1]).toMatchObject({ method: 'GET', path: '/.well-known/oauth-authorization-server', status: 200 });
    const problems = await call(server, 'GET', '/activity?problems=1');
    expect(problems.body.every((e: { error?: string; warnings: unknown[] }) => e.error || e.warnings.length)).toBe(true);
    expect((await call(server, 'GET', '/activity?limit=0')).status).toBe(400);
  });
});

describe('seed', () => {
  it('POST /seed applies YAML text', async () => {
    const yaml = 'resources:\n  - slug: seeded\n    uri: https://seeded.example.com\n    scopes: [{ name: read }]\nusers:\n  - sub: seeded-user\n';
    const r = await call(server, 'POST', '/seed', { body: yaml, contentType: 'application/yaml' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ created: { resources: ['seeded'], clients: [], users: ['seeded-user'] }, skipped: { resources: [], clients: [], users: [] }, differing: { resources: [], clients: [], users: [] }, updated: { resources: [], clients: [], users: [] }, clients: [], warnings: [] });
    const again = await call(server, 'POST', '/seed', { body: yaml, contentType: 'text/plain' });
    expect(again.body.skipped).toEqual({ resources: ['seeded'], clients: [], users: ['seeded-user'] });
    // A changed URI is a difference, applied only with ?update=true.
    const changed = yaml.replace('https://seeded.example.com', 'https://seeded2.example.com');
    const differs = await call(server, 'POST', '/seed', { body: changed, contentType: 'application/yaml' });
    expect(differs.body.differing.resources).toEqual(['seeded']);
    expect(differs.body.warnings).toEqual(['resource "seeded" differs from the seed (uri "https://seeded.example.com" → "https://seeded2.example.com"); left as stored: `seed apply --update` applies the seed']);
    const updated = await call(server, 'POST', '/seed?update=true', { body: changed, contentType: 'application/yaml' });
    expect(updated.body.updated.resources).toEqual(['seeded']);
    expect((await call(server, 'GET', '/resources/seeded')).body.uri).toBe('https://seeded2.example.com');
    const exported = await call(server, 'GET', '/seed/export');
    expect(exported.headers.get('content-type')).toMatch(/^application\/yaml/);
    expect(exported.text).toContain('uri: https://seeded2.example.com');
    expect((await call(server, 'POST', '/seed?overwrite=true', { body: changed, contentType: 'application/yaml' })).body).toMatchObject({ error: 'invalid_request', error_description: 'unknown query parameter "overwrite"; accepted: file, update' });
  });

  it('POST /seed reports line-numbered issues and refuses JSON', async () => {
    const r = await call(server, 'POST', '/seed?file=x.yaml', { body: 'resources:\n  - slug: s2\n    uri: nope\n', contentType: 'application/yaml' });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: 'invalid_request', error_description: 'x.yaml:3: resources[0].uri: uri must be an absolute http(s) URL with a host and no fragment', issues: ['x.yaml:3: resources[0].uri: uri must be an absolute http(s) URL with a host and no fragment'] });
    const j = await call(server, 'POST', '/seed', { json: { resources: [] } });
    expect(j.status).toBe(415);
  });
});
