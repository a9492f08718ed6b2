/**
 * Reuse detection, atomic consumption and revocation for refresh families that a restarted server
 * read back from the token log rather than created itself. Today every live family is a whole row
 * in memory either way; these pin the behaviour that must survive keeping only an index in memory
 * and reading rows from the log on demand (docs/family-index.md).
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoggedFamilyStore } from '../../server/store/familyStore';
import { codeFlow, decodeJwt, postForm } from '../helpers/oauthClient';
import { seedSingleMcp, startTestServer, tempDir, type TestServer } from '../helpers/server';

const RES = 'http://127.0.0.1:3001/mcp';
const REUSE = { error: 'invalid_grant', error_description: 'token family revoked due to reuse detection' };

const refreshWith = (s: TestServer, token: string) =>
  postForm(`${s.issuer}/oauth/token`, { grant_type: 'refresh_token', refresh_token: token, client_id: 'my-agent' });

/** The chain of refresh tokens of one family rotated `rotations` times (oldest first) and its first access token. */
async function rotatedFamily(s: TestServer, rotations: number): Promise<{ chain: string[]; accessToken: string }> {
  const { tokens } = await codeFlow({ issuer: s.issuer, clientId: 'my-agent', scope: 'read', resource: RES });
  const chain = [tokens.refresh_token!];
  for (let i = 0; i < rotations; i++) {
    const r = await refreshWith(s, chain.at(-1)!);
    expect(r.status).toBe(200);
    chain.push(r.json.refresh_token as string);
  }
  return { chain, accessToken: tokens.access_token };
}

const jtiOf = (accessToken: string) => decodeJwt(accessToken).payload.jti as string;

describe('refresh families read back from the token log after a restart', () => {
  let dataDir: string;
  let s: TestServer;
  let reused: { chain: string[]; accessToken: string };
  let raced: { chain: string[]; accessToken: string };
  let revoked: { chain: string[]; accessToken: string };
  let delayed: { chain: string[]; accessToken: string };

  beforeAll(async () => {
    dataDir = await tempDir();
    const first = await startTestServer({ dataDir });
    try {
      await seedSingleMcp(first);
      reused = await rotatedFamily(first, 3);
      raced = await rotatedFamily(first, 2);
      revoked = await rotatedFamily(first, 1);
      delayed = await rotatedFamily(first, 1);
    } finally {
      await first.stop();
    }
    s = await startTestServer({ dataDir });
  }, 60_000);
  afterAll(async () => {
    await s?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('treats a token consumed before the restart (older than the previous one) as reuse and revokes the family', async () => {
    const r = await refreshWith(s, reused.chain[0]!);
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject(REUSE);
    // The live token dies with its family, and so does the family's access token minted before the restart.
    expect((await refreshWith(s, reused.chain.at(-1)!)).json).toMatchObject(REUSE);
    expect((await s.store.issuances.get(jtiOf(reused.accessToken)))?.revoked_reason).toBe('reuse_detected');
  });

  it('lets exactly one of 8 parallel refreshes of a read-back family win; the others are reuse', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => refreshWith(s, raced.chain.at(-1)!)));
    const winners = results.filter((r) => r.status === 200);
    expect(winners).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 200)) {
      expect(r.status).toBe(400);
      expect(r.json).toMatchObject(REUSE);
    }
    expect((await refreshWith(s, winners[0]!.json.refresh_token as string)).json).toMatchObject(REUSE);
  });

  it('revokes a read-back family through the admin API; its live token is then refused as revoked', async () => {
    const familyId = (await s.store.issuances.get(jtiOf(revoked.accessToken)))!.family_id!;
    const res = await s.admin(`/families/${familyId}/revoke`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ family_id: familyId, revoked: true });
    const r = await refreshWith(s, revoked.chain.at(-1)!);
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ error: 'invalid_grant', error_description: 'token family revoked (admin)' });
  });

  it('a refresh whose read of the row from disk is held while another refresh of the same token wins starts again and gets reuse', async () => {
    const families = s.store.families as LoggedFamilyStore;
    const token = delayed.chain.at(-1)!;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let reached!: () => void;
    const held = new Promise<void>((r) => (reached = r));
    let first = true;
    // The first read from the log (the held request's) waits at the gate; every later one goes through.
    families.beforeLogRead = () => {
      if (!first) return Promise.resolve();
      first = false;
      reached();
      return gate;
    };
    try {
      const slow = refreshWith(s, token);
      await held;
      const fast = await refreshWith(s, token);
      expect(fast.status).toBe(200);
      release();
      const late = await slow;
      // It read the family as it was before the winner's rotation, and must not rotate it a second time.
      expect(late.status).toBe(400);
      expect(late.json).toMatchObject(REUSE);
      expect((await refreshWith(s, fast.json.refresh_token as string)).json).toMatchObject(REUSE);
    } finally {
      release();
      families.beforeLogRead = undefined;
    }
  });
});
