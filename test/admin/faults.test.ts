/**
 * /admin/api/faults: arm, list, clear; validation errors; self-disarm by duration; faults live in
 * memory only and never put a secret into the audit or issuance files.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../server/clock';
import { filesUnder } from '../helpers/files';
import { codeFlow, postForm } from '../helpers/oauthClient';
import { seedSingleMcp, startTestServer, tempDir } from '../helpers/server';
import { call, ISO, serversPerTest } from './helpers';

const server = serversPerTest();

describe('/admin/api/faults', () => {
  it('arms, lists and clears one fault or all', async () => {
    const s = await server();
    const a = await call(s, 'POST', '/faults', { json: { endpoint: 'token', grant_type: 'refresh_token', error: 'invalid_grant', error_description: 'nope' } });
    expect(a.status).toBe(201);
    expect(a.body).toEqual({ id: expect.stringMatching(/^flt_[\w-]{12}$/), endpoint: 'token', grant_type: 'refresh_token', error: 'invalid_grant', error_description: 'nope', remaining: 1, expires_at: null, armed_at: ISO, fired: 0 });
    const b = await call(s, 'POST', '/faults', { json: { endpoint: 'jwks', status: 503, for_seconds: 60 } });
    expect(b.body).toMatchObject({ remaining: null, expires_at: ISO });
    const c = await call(s, 'POST', '/faults', { json: { endpoint: 'metadata', delay_ms: 10, count: 3, for_seconds: 60 } });
    expect(c.body).toMatchObject({ remaining: 3, expires_at: ISO });
    expect((await call(s, 'GET', '/faults')).body.map((f: { id: string }) => f.id)).toEqual([a.body.id, b.body.id, c.body.id]);

    const one = await call(s, 'DELETE', `/faults/${a.body.id}`);
    expect(one.status).toBe(200);
    expect(one.body.id).toBe(a.body.id);
    const gone = await call(s, 'DELETE', `/faults/${a.body.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ error: 'not_found', error_description: `no armed fault "${a.body.id}"` });
    const all = await call(s, 'DELETE', '/faults');
    expect(all.body.map((f: { id: string }) => f.id)).toEqual([b.body.id, c.body.id]);
    expect((await call(s, 'GET', '/faults')).body).toEqual([]);
  });

  it('refuses bad input with one invalid_request naming each problem', async () => {
    const s = await server();
    const cases: Array<[unknown, string]> = [
      [{ endpoint: 'token' }, 'give exactly one of error, status or delay_ms'],
      [{ endpoint: 'token', error: 'invalid_grant', status: 500 }, 'give exactly one of error, status or delay_ms'],
      [{ endpoint: 'consent', status: 500 }, 'endpoint: Invalid option: expected one of "authorize"|"token"|"register"|"revoke"|"introspect"|"jwks"|"metadata"'],
      [{ endpoint: 'jwks', grant_type: 'refresh_token', status: 500 }, 'grant_type: only for the token endpoint'],
      [{ endpoint: 'metadata', client_id: 'a', status: 500 }, 'client_id: the metadata endpoint does not know the client'],
      [{ endpoint: 'token', status: 200 }, 'status: Too small: expected number to be >=400'],
      [{ endpoint: 'token', status: 503, error_description: 'x' }, 'error_description: only with error'],
      [{ endpoint: 'token', error: 'bad"code' }, 'error: must be an OAuth error code (printable ASCII without " or \\)'],
      [{ endpoint: 'token', delay_ms: 500_000 }, 'delay_ms: Too big: expected number to be <=120000'],
      [{ endpoint: 'token', status: 503, secret: 1 }, 'Unrecognized key: "secret"'],
    ];
    for (const [json, description] of cases) {
      const r = await call(s, 'POST', '/faults', { json });
      expect({ json, status: r.status, body: r.body }).toEqual({ json, status: 400, body: expect.objectContaining({ error: 'invalid_request', error_description: description }) });
    }
    expect((await call(s, 'GET', '/faults')).body).toEqual([]);
  });

  it('needs the admin token and the server origin for changes', async () => {
    const s = await server();
    expect((await call(s, 'POST', '/faults', { token: null, json: { endpoint: 'token', status: 503 } })).status).toBe(401);
    const foreign = await call(s, 'POST', '/faults', { json: { endpoint: 'token', status: 503 }, headers: { origin: 'http://evil.example' } });
    expect(foreign.status).toBe(403);
    expect((await call(s, 'GET', '/faults')).body).toEqual([]);
  });

  it('a fault armed for a duration disarms itself when the time is over (event reason "expired")', async () => {
    const clock = fixedClock(Date.now());
    const s = await server({ clock });
    const events: Array<[string, string?]> = [];
    s.events.subscribe((e) => {
      if (e.type === 'fault.disarmed') events.push([e.type, e.data.reason]);
    });
    await call(s, 'POST', '/faults', { json: { endpoint: 'jwks', status: 503, for_seconds: 30 } });
    expect((await s.fetch('/.well-known/jwks.json')).status).toBe(503);
    expect((await s.fetch('/.well-known/jwks.json')).status).toBe(503);
    clock.advance(30_000);
    expect((await s.fetch('/.well-known/jwks.json')).status).toBe(200);
    expect((await call(s, 'GET', '/faults')).body).toEqual([]);
    expect(events).toEqual([['fault.disarmed', 'expired']]);
  });

  it('faults are in memory only, and their events in the audit files carry no secret', async () => {
    const dataDir = await tempDir();
    const s = await startTestServer({ dataDir });
    await seedSingleMcp(s);
    const { tokens, as } = await codeFlow({ issuer: s.issuer, clientId: 'my-agent', scope: 'read', resource: 'http://127.0.0.1:3001/mcp' });
    const f = await call(s, 'POST', '/faults', { json: { endpoint: 'token', grant_type: 'refresh_token', error: 'invalid_grant' } });
    const failed = await postForm(as.token_endpoint!, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token!, client_id: 'my-agent' });
    expect(failed.json.error).toBe('invalid_grant');
    const ok = await postForm(as.token_endpoint!, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token!, client_id: 'my-agent' });
    expect(ok.status).toBe(200);
    await call(s, 'POST', '/faults', { json: { endpoint: 'jwks', status: 503, for_seconds: 3600 } });
    const adminToken = s.adminToken;
    await s.close();

    const secrets = [tokens.refresh_token!, tokens.access_token, ok.json.refresh_token as string, ok.json.access_token as string, adminToken];
    let auditText = '';
    for (const file of await filesUnder(dataDir)) {
      if (file.endsWith('admin-token')) continue;
      const text = await readFile(file, 'latin1');
      for (const secret of secrets) expect({ file, leaked: text.includes(secret) }).toEqual({ file, leaked: false });
      if (file.includes(`${join(dataDir, 'audit')}`)) auditText += text;
    }
    const faultEvents = auditText
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; data: { fault?: { id: string } } })
      .filter((e) => e.type.startsWith('fault.'));
    expect(faultEvents.filter((e) => e.data.fault!.id === f.body.id).map((e) => e.type)).toEqual(['fault.armed', 'fault.fired', 'fault.disarmed']);

    // A restart on the same data dir has no faults: the armed jwks fault is gone.
    const again = await server({ dataDir });
    expect((await call(again, 'GET', '/faults')).body).toEqual([]);
    expect((await again.fetch('/.well-known/jwks.json')).status).toBe(200);
    await again.stop();
    await rm(dataDir, { recursive: true, force: true });
  });
});
