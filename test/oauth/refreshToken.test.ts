/**
 * grant_type=refresh_token against the real server: rotation, strict reuse detection (the
 * default), atomic consumption under concurrency, and the opt-in grace window.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeFlow, decodeJwt, postForm, refresh } from '../helpers/oauthClient';
import { seedSingleMcp, startTestServer, tempDir, type TestServer } from '../helpers/server';

const CB = 'http://127.0.0.1:8765/callback';
const RES = 'http://127.0.0.1:3001/mcp';
const REUSE = { error: 'invalid_grant', error_description: 'token family revoked due to reuse detection' };

const refreshWith = (s: TestServer, token: string, extra: Record<string, string> = {}) =>
  postForm(`${s.issuer}/oauth/token`, { grant_type: 'refresh_token', refresh_token: token, client_id: 'my-agent', ...extra });

async function familyOf(s: TestServer, accessToken: string) {
  const jti = decodeJwt(accessToken).payload.jti as string;
  return (await s.store.families.get((await s.store.issuances.get(jti))!.family_id!))!;
}

describe('refresh_token grant (strict rotation, the default)', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
    await seedSingleMcp(s);
  });
  afterAll(() => s.stop());

  it('rotates on every use and keeps sub, client_id and aud', async () => {
    const { as, client, tokens } = await codeFlow({ issuer: s.issuer, clientId: 'my-agent', scope: 'read write', resource: RES });
    const next = await refresh(as, client, tokens.refresh_token!);
    expect(next.refresh_token).not.toBe(tokens.refresh_token);
    const a = decodeJwt(tokens.access_token).payload;
    const b = decodeJwt(next.access_token).payload;
    expect([b.sub, b.client_id, b.aud, b.scope]).toEqual([a.sub, a.client_id, [RES], 'read write']);
    expect((await s.store.issuances.get(b.jti as string))?.grant).toBe('refresh_token');
  });

  it('narrows scope on request, refuses widening', async () => {
    const { tokens } = await codeFlow({ issuer: s.issuer, clientId: 'my-agent', scope: 'read', resource: RES });
    const r = await refreshWith(s, tokens.refresh_token!, { scope: 'read write' });
    expect(r.json).toMatchObject({ error: 'invalid_scope', error_description: 'scope "write" was not granted to this refresh token (granted: "read"); a new authorization is needed for more scopes' });
  });

  it('treats a second use of a rotated-out token, even at once, as reuse and revokes the family', async () => {
    const { tokens } = await codeFlow({ issuer: s.issuer, clientId: 'my-agent', scope: 'read', resource: RES });
    const first = await refreshWith(s, tokens.refresh_token!);
    expect(first.status).toBe(200);
    const again = await refreshWith(s, tokens.refresh_token!);
    expect(again.status).toBe(400);
    expect(again.json).toMatchObject(REUSE);
    // The token the first response delivered dies with its family, and so do its access tokens.
    const after = await refreshWith(s, first.json.refresh_token as string);
    expect(after.json).toMatchObject(REUSE);
    const jti = decodeJwt(first.json.access_token as string).payload.jti as string;
    expect((await s.store.issuances.get(jti))?.revoked_reason).toBe('reuse_detected');
    expect((await familyOf(s, tokens.access_token)).revoked_reason).toBe('reuse_detected');
  });

  it('lets exactly one of 8 parallel refreshes with one token win; the others are reuse', async () => {
    const { tokens } = await codeFlow({ issuer: s.issuer, clientId: 'my-agent', scope: 'read', resource: RES });
    const results = await Promise.all(Array.from({ length: 8 }, () => refreshWith(s, tokens.refresh_token!)));
    const winners = results.filter((r) => r.status === 200);
    expect(winners).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 200)) {
      expect(r.status).toBe(400);
      expect(r.json).toMatchObject(REUSE);
    }
    const fam = await familyOf(s, tokens.access_token);
    expect(fam.revoked_reason).toBe('reuse_detected');
    expect((await refreshWith(s, winners[0]!.json.refresh_token as string)).json).toMatchObject(REUSE);
  });

  it('keeps the family row bounded however often it rotates, and still detects recent reuse', async () => {
    const { tokens } = await codeFlow({ issuer: s.issuer, clientId: 'my-agent', scope: 'read', resource: RES });
    let current = tokens.refresh_token!;
    const seen: string[] = [];
    for (let i = 0; i < 80; i++) {
      const r = await refreshWith(s, current);
      expect(r.status).toBe(200);
      seen.push(current);
      current = r.json.refresh_token as string;
    }
    expect((await familyOf(s, tokens.access_token)).consumed.length).toBeLessThanOrEqual(64);
    expect((await refreshWith(s, seen[70]!)).json).toMatchObject(REUSE);
  });

  it('refuses a refresh token presented by another client, without burning it', async () => {
    const other = await s.services.clients.create({ client_name: 'other', redirect_uris: [CB], token_endpoint_auth_method: 'none' });
    const { tokens } = await codeFlow({ issuer: s.issuer, clientId: 'my-agent', scope: 'read', resource: RES });
    const r = await postForm(`${s.issuer}/oauth/token`, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token!, client_id: other.client_id });
    expect(r.json).toMatchObject({ error: 'invalid_grant', error_description: 'the refresh token was issued to another client' });
    expect((await refreshWith(s, tokens.refresh_token!)).status).toBe(200);
  });
});

describe('refresh_token grant with an opt-in grace window', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ refreshGrace: 300 });
    await seedSingleMcp(s);
  });
  afterAll(() => s.stop());

  it('answers a retry of the rotated-out token with the same new refresh token, no second branch', async () => {
    const { tokens } = await codeFlow({ issuer: s.issuer, clientId: 'my-agent', scope: 'read', resource: RES });
    const first = await refreshWith(s, tokens.refresh_token!);
    const retry = await refreshWith(s, tokens.refresh_token!);
    expect([first.status, retry.status]).toEqual([200, 200]);
    expect(retry.json.refresh_token).toBe(first.json.refresh_token);
    expect(retry.json.access_token).not.toBe(first.json.access_token);
    // The delivered token is the family's one live token: it still rotates normally.
    const next = await refreshWith(s, first.json.refresh_token as string);
    expect(next.status).toBe(200);
    // Once it has, the original token is two rotations old: reuse.
    expect((await refreshWith(s, tokens.refresh_token!)).json).toMatchObject(REUSE);
  });

  it('gives all 8 parallel refreshes with one token the same new refresh token', async () => {
    const { tokens } = await codeFlow({ issuer: s.issuer, clientId: 'my-agent', scope: 'read', resource: RES });
    const results = await Promise.all(Array.from({ length: 8 }, () => refreshWith(s, tokens.refresh_token!)));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(new Set(results.map((r) => r.json.refresh_token)).size).toBe(1);
    expect((await refreshWith(s, results[0]!.json.refresh_token as string)).status).toBe(200);
  });

  it('answers a retry after a restart (the response lost to a crash) with the same token', async () => {
    const dataDir = await tempDir();
    let srv = await startTestServer({ dataDir, refreshGrace: 300 });
    try {
      await seedSingleMcp(srv);
      const { tokens } = await codeFlow({ issuer: srv.issuer, clientId: 'my-agent', scope: 'read', resource: RES });
      const first = await refreshWith(srv, tokens.refresh_token!);
      expect(first.status).toBe(200);
      await srv.stop();
      srv = await startTestServer({ dataDir, refreshGrace: 300 });
      const retry = await refreshWith(srv, tokens.refresh_token!);
      expect(retry.status).toBe(200);
      expect(retry.json.refresh_token).toBe(first.json.refresh_token);
    } finally {
      await srv.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('stores the grace token only sealed, never in the clear', async () => {
    const { tokens } = await codeFlow({ issuer: s.issuer, clientId: 'my-agent', scope: 'read', resource: RES });
    const first = await refreshWith(s, tokens.refresh_token!);
    const fam = await familyOf(s, tokens.access_token);
    expect(fam.previous?.sealed_next).toMatch(/^[\w-]+$/);
    // The family's state is a line of the token log.
    const onDisk = await readFile(join(s.dataDir, 'issuances', 'seg-000001.jsonl'), 'utf8');
    expect(onDisk).toContain(fam.previous!.sealed_next!);
    expect(onDisk).not.toContain(first.json.refresh_token as string);
  });
});
