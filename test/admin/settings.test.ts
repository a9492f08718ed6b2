/**
 * /admin/api/settings against a real server: the refresh grace changes the RUNNING server's
 * rotation (strict by default, as the product), bad values are refused with exact errors, every
 * change is an audit event naming who made it, and a restart returns to the start-up value.
 */
import { describe, expect, it } from 'vitest';
import type { AppEvent } from '../../server/contracts';
import { uiLoginUrl } from '../../server/ui';
import { codeFlow, postForm } from '../helpers/oauthClient';
import { seedSingleMcp, startTestServer, tempDir, type TestServer } from '../helpers/server';
import { call, serversPerTest } from './helpers';

const RES = 'http://127.0.0.1:3001/mcp';
const REUSE = { error: 'invalid_grant', error_description: 'token family revoked due to reuse detection' };

const started = serversPerTest();
async function server(opts: Parameters<typeof started>[0] = {}) {
  const s = await started(opts);
  await seedSingleMcp(s);
  return s;
}

const refreshWith = (s: TestServer, token: string) => postForm(`${s.issuer}/oauth/token`, { grant_type: 'refresh_token', refresh_token: token, client_id: 'my-agent' });

/** A fresh grant, refreshed once: the original refresh token is now rotated out. */
async function rotatedOnce(s: TestServer) {
  const { tokens } = await codeFlow({ issuer: s.issuer, clientId: 'my-agent', scope: 'read', resource: RES });
  const first = await refreshWith(s, tokens.refresh_token!);
  expect(first.status).toBe(200);
  return { old: tokens.refresh_token!, next: first.json.refresh_token as string };
}

const settingsEvents = async (s: TestServer) => (await call(s, 'GET', '/audit?type=settings')).body.events as AppEvent[];

describe('/admin/api/settings', () => {
  it('shows the grace in force (0 by default) beside the serve settings fixed at start', async () => {
    const s = await server({ accessTokenTtl: 600 });
    const r = await call(s, 'GET', '/settings');
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.body).toEqual({
      refresh_grace_s: 0,
      startup: { refresh_grace_s: 0 },
      serve: { issuer: s.issuer, data_dir: s.dataDir, consent_mode: 'auto', default_user: 'dev-user', strict: false, signing_alg: 'ES256', access_token_ttl_s: 600, refresh_token_ttl_s: 604800, code_ttl_s: 600 },
    });
    expect((await call(s, 'GET', '/status')).body.refresh_grace_s).toBe(0);
  });

  it('refuses a rotated-out refresh token with grace 0; after PATCH to 30 s the retry succeeds on the running server', async () => {
    const s = await server();
    const strict = await rotatedOnce(s);
    const reused = await refreshWith(s, strict.old);
    expect([reused.status, reused.json]).toEqual([400, expect.objectContaining(REUSE)]);

    const patched = await call(s, 'PATCH', '/settings', { json: { refresh_grace_s: 30 } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ refresh_grace_s: 30, startup: { refresh_grace_s: 0 } });
    expect((await call(s, 'GET', '/settings')).body.refresh_grace_s).toBe(30);
    expect((await call(s, 'GET', '/status')).body.refresh_grace_s).toBe(30);

    const lenient = await rotatedOnce(s);
    const retry = await refreshWith(s, lenient.old);
    expect(retry.status).toBe(200);
    expect(retry.json.refresh_token).toBe(lenient.next);

    // Back to 0: the next rotation is strict again.
    expect((await call(s, 'PATCH', '/settings', { json: { refresh_grace_s: 0 } })).body.refresh_grace_s).toBe(0);
    const again = await rotatedOnce(s);
    expect((await refreshWith(s, again.old)).json).toMatchObject(REUSE);

    const events = await settingsEvents(s);
    expect(events.map((e) => [e.type, e.data])).toEqual([
      ['settings.changed', { before: { refresh_grace_s: 30 }, after: { refresh_grace_s: 0 }, by: 'admin_token' }],
      ['settings.changed', { before: { refresh_grace_s: 0 }, after: { refresh_grace_s: 30 }, by: 'admin_token' }],
    ]);
  });

  it('emits no event for a PATCH that changes nothing', async () => {
    const s = await server({ refreshGrace: 20 });
    const r = await call(s, 'PATCH', '/settings', { json: { refresh_grace_s: 20 } });
    expect(r.body).toMatchObject({ refresh_grace_s: 20, startup: { refresh_grace_s: 20 } });
    expect(await settingsEvents(s)).toEqual([]);
  });

  it('refuses bad values and unknown keys with one invalid_request, and changes nothing', async () => {
    const s = await server();
    const cases: Array<[string | undefined, unknown, string]> = [
      [undefined, { refresh_grace_s: 301 }, 'refresh_grace_s: at most 300 s (5m): a longer window is a longer replay window'],
      [undefined, { refresh_grace_s: -1 }, 'refresh_grace_s: at least 0 (0: strict rotation, as the product)'],
      [undefined, { refresh_grace_s: 1.5 }, 'refresh_grace_s: whole seconds, e.g. 30'],
      [undefined, { refresh_grace_s: '30s' }, 'refresh_grace_s: Invalid input: expected number, received string'],
      [undefined, { refresh_grace_s: null }, 'refresh_grace_s: Invalid input: expected number, received null'],
      [undefined, {}, 'name a setting to change; accepted: refresh_grace_s'],
      [undefined, { refreshGrace: 30 }, 'unknown setting "refreshGrace"; accepted: refresh_grace_s'],
      [undefined, { refresh_grace_s: 30, strict: true }, 'unknown setting "strict"; accepted: refresh_grace_s'],
      [undefined, [30], 'Invalid input: expected object, received array'],
      ['?refresh_grace_s=30', { refresh_grace_s: 30 }, 'unknown query parameter "refresh_grace_s": this route takes none'],
    ];
    for (const [query, json, description] of cases) {
      const r = await call(s, 'PATCH', `/settings${query ?? ''}`, { json });
      expect({ json, status: r.status, body: r.body }).toEqual({ json, status: 400, body: expect.objectContaining({ error: 'invalid_request', error_description: description }) });
    }
    const notJson = await call(s, 'PATCH', '/settings', { body: 'refresh_grace_s=30', contentType: 'application/x-www-form-urlencoded' });
    expect([notJson.status, notJson.body.error]).toEqual([415, 'invalid_request']);
    expect((await call(s, 'GET', '/settings')).body.refresh_grace_s).toBe(0);
    expect(await settingsEvents(s)).toEqual([]);
  });

  it('needs the admin token; the window (session cookie, or the token from its own origin) is named as the changer', async () => {
    const s = await server();
    const anon = await call(s, 'PATCH', '/settings', { token: null, json: { refresh_grace_s: 30 } });
    expect([anon.status, anon.body.error]).toEqual([401, 'unauthorized']);
    const login = await fetch(uiLoginUrl(s.issuer), { redirect: 'manual' });
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    expect(cookie).toMatch(/=/);
    const r = await call(s, 'PATCH', '/settings', { token: null, json: { refresh_grace_s: 45 }, headers: { cookie, origin: s.issuer } });
    expect(r.status).toBe(200);
    // The desktop window sends the token from the server's own page (its Origin): the window too.
    expect((await call(s, 'PATCH', '/settings', { json: { refresh_grace_s: 60 }, headers: { origin: s.issuer } })).status).toBe(200);
    expect((await settingsEvents(s)).map((e) => e.data)).toEqual([
      { before: { refresh_grace_s: 45 }, after: { refresh_grace_s: 60 }, by: 'window' },
      { before: { refresh_grace_s: 0 }, after: { refresh_grace_s: 45 }, by: 'window' },
    ]);
  });

  it('lives in memory only: a restart returns to the value the server was started with', async () => {
    const dataDir = await tempDir();
    let s = await startTestServer({ dataDir, refreshGrace: 10 });
    try {
      expect((await call(s, 'PATCH', '/settings', { json: { refresh_grace_s: 120 } })).status).toBe(200);
    } finally {
      await s.stop();
    }
    s = await started({ dataDir, refreshGrace: 10 });
    expect((await call(s, 'GET', '/settings')).body).toMatchObject({ refresh_grace_s: 10, startup: { refresh_grace_s: 10 } });
    // The change before the restart stays in the audit trail.
    expect((await settingsEvents(s)).map((e) => e.data)).toEqual([{ before: { refresh_grace_s: 10 }, after: { refresh_grace_s: 120 }, by: 'admin_token' }]);
  });
});
