/**
 * SEP-2350 (MCP 2026-07-28): step-up re-authorization. The user granted `read`; the client is
 * challenged for `write` and re-authorizes asking only for `write` (as SDK 1.x does). The consent
 * accumulates, and the new token and every refresh of it carry `read write`. A client that asks
 * within what was granted gets exactly what it asked. Real server, oauth4webapi as the client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeFlow, decodeJwt, refresh } from '../helpers/oauthClient';
import { seedSingleMcp, startTestServer, type TestServer } from '../helpers/server';

const RESOURCE = 'http://127.0.0.1:3001/mcp';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ consent: 'auto' });
  await seedSingleMcp(s);
});
afterAll(() => s?.stop());

describe('step-up with accumulated scopes (SEP-2350)', () => {
  it('grant read, step up asking write: the token and its refresh carry read write, and the consent holds both', async () => {
    const first = await codeFlow({ issuer: s.issuer, clientId: 'my-agent', scope: 'read', resource: RESOURCE });
    expect(first.tokens.scope).toBe('read');

    const stepped = await codeFlow({ issuer: s.issuer, clientId: 'my-agent', scope: 'write', resource: RESOURCE });
    expect(stepped.tokens.scope).toBe('read write');
    expect(decodeJwt(stepped.tokens.access_token).payload.scope).toBe('read write');

    const refreshed = await refresh(stepped.as, stepped.client, stepped.tokens.refresh_token!);
    expect(refreshed.scope).toBe('read write');
    expect(decodeJwt(refreshed.access_token).payload.scope).toBe('read write');

    const [grant] = (await (await s.admin('/consents')).json()) as Array<{ client_id: string; scopes: string[] }>;
    expect(grant).toMatchObject({ client_id: 'my-agent', scopes: ['read', 'write'] });
  });

  it('asking within the grant is not a step-up: the token carries what was asked', async () => {
    const narrow = await codeFlow({ issuer: s.issuer, clientId: 'my-agent', scope: 'read', resource: RESOURCE });
    expect(narrow.tokens.scope).toBe('read');
  });

  it('the prompt a person decides shows the request; the approval still accumulates', async () => {
    const p = await startTestServer({ consent: 'prompt' });
    try {
      await seedSingleMcp(p);
      await p.services.consents.record(p.services.deps.config.user, 'my-agent', 'mcp-a', ['read']);
      const q = new URLSearchParams({ response_type: 'code', client_id: 'my-agent', redirect_uri: 'http://127.0.0.1:8765/callback', scope: 'write', resource: RESOURCE, code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' });
      const res = await p.fetch(`/oauth/authorize?${q}`, { redirect: 'manual' });
      const uid = new URL(res.headers.get('location')!, p.issuer).searchParams.get('interaction')!;
      const page = await (await p.fetch(`/consent?interaction=${uid}`)).text();
      expect(page).toContain('<p class="muted" id="kept">Already allowed earlier, and kept with this request: Read access (<code>read</code>).</p>');
      expect(page).toContain('value="write" checked');
      expect(page).not.toContain('value="read"');
      // The window's prompt (admin API) says the same, per user: only dev-user granted read.
      const [pending] = await (await p.admin('/interactions')).json();
      expect(pending.kept_scopes).toEqual({ [p.services.deps.config.user]: [{ name: 'read', description: 'Read access' }] });
      const decided = await (await p.admin(`/interactions/${uid}/decision`, { method: 'POST', body: JSON.stringify({ action: 'approve' }) })).json();
      expect(new URL(decided.redirect).searchParams.get('code')).toBeTruthy();
      expect(p.services.consents.find(p.services.deps.config.user, 'my-agent', 'mcp-a')?.scopes).toEqual(['read', 'write']);
    } finally {
      await p.stop();
    }
  });
});
