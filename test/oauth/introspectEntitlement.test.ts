/**
 * Introspection entitlement as the product (digest §2.6): only the token's own client, a client
 * listed in the token resource's policy.runtime.client_ids (or, deprecated, a client named like
 * the resource) or the admin token learns about a token; anyone else gets exactly {active:false}.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEvent } from '../../server/contracts';
import { auditSummary } from '../../server/contracts/auditSummary';
import { codeFlow, decodeJwt, postForm } from '../helpers/oauthClient';
import { seedSingleMcp, startTestServer, type TestServer } from '../helpers/server';

const RES_A = 'http://127.0.0.1:3001/mcp';
const RES_B = 'http://127.0.0.1:3002/mcp';
let s: TestServer;
const secrets: Record<string, string> = {};
let agentTokens: { access_token: string; refresh_token?: string };
const events: AppEvent[] = [];

async function confidential(client_id: string, grant_types: string[] = ['client_credentials']) {
  const c = await s.services.clients.create({ client_name: client_id, client_id, grant_types, token_endpoint_auth_method: 'client_secret_post', ...(grant_types.includes('authorization_code') ? { redirect_uris: ['http://127.0.0.1:8765/callback'] } : {}) });
  secrets[client_id] = c.client_secret!;
}
const introspectAs = (client_id: string, token: string) => postForm(`${s.issuer}/oauth/introspect`, { token, client_id, client_secret: secrets[client_id]! });

beforeAll(async () => {
  s = await startTestServer();
  s.services.deps.events.subscribe((e) => events.push(e));
  await seedSingleMcp(s, RES_A);
  await s.services.resources.create({ slug: 'mcp-b', uri: RES_B, scopes: [{ name: 'read' }] });
  await confidential('mcp-a-rs');
  await confidential('stranger');
  await confidential('mcp-b-rs');
  await confidential('mcp-a'); // named like the resource: the product's deprecated fallback
  await confidential('conf-agent', ['authorization_code', 'refresh_token']);
  await s.services.resources.update('mcp-a', { policy: { runtime: { client_ids: ['mcp-a-rs'] } } });
  await s.services.resources.update('mcp-b', { policy: { runtime: { client_ids: ['mcp-b-rs'] } } });
  agentTokens = (await codeFlow({ issuer: s.issuer, clientId: 'my-agent', scope: 'read offline_access', resource: RES_A })).tokens;
});
afterAll(() => s.stop());

describe('introspection entitlement', () => {
  it('a confidential client not entitled to the token gets exactly {"active":false} (indistinguishable from an invalid token)', async () => {
    const r = await introspectAs('stranger', agentTokens.access_token);
    expect(r.status).toBe(200);
    expect(r.text).toBe('{"active":false}');
    expect(r.text).toBe((await introspectAs('stranger', 'not.a.jwt')).text);
  });

  it('the runtime client of another resource is not entitled', async () => {
    expect((await introspectAs('mcp-b-rs', agentTokens.access_token)).json).toEqual({ active: false });
  });

  it('a client listed in policy.runtime.client_ids of the resource in aud gets the claims', async () => {
    const r = await introspectAs('mcp-a-rs', agentTokens.access_token);
    expect(r.json).toMatchObject({ active: true, token_type: 'Bearer', client_id: 'my-agent', sub: 'dev-user', aud: RES_A, scope: expect.stringContaining('read'), iss: s.issuer });
  });

  it('the deprecated fallback: a client whose id is the resource slug is entitled', async () => {
    expect((await introspectAs('mcp-a', agentTokens.access_token)).json).toMatchObject({ active: true, aud: RES_A });
  });

  it("the token's own (confidential) client is entitled", async () => {
    const { tokens } = await codeFlow({ issuer: s.issuer, clientId: 'conf-agent', clientSecret: secrets['conf-agent'], scope: 'read', resource: RES_B });
    expect((await introspectAs('conf-agent', tokens.access_token)).json).toMatchObject({ active: true, client_id: 'conf-agent', aud: RES_B });
    expect((await introspectAs('mcp-a-rs', tokens.access_token)).json).toEqual({ active: false });
    expect((await introspectAs('mcp-b-rs', tokens.access_token)).json).toMatchObject({ active: true, client_id: 'conf-agent' });
  });

  it('a refresh token follows the same rule', async () => {
    expect(agentTokens.refresh_token).toBeTruthy();
    expect((await introspectAs('stranger', agentTokens.refresh_token!)).json).toEqual({ active: false });
    expect((await introspectAs('mcp-a-rs', agentTokens.refresh_token!)).json).toMatchObject({ active: true, token_type: 'refresh_token', client_id: 'my-agent', aud: RES_A });
  });

  it('an empty runtime list is default-deny: removing the RS client makes it lose the token', async () => {
    await s.services.resources.update('mcp-a', { policy: { runtime: { client_ids: [] } } });
    try {
      expect((await introspectAs('mcp-a-rs', agentTokens.access_token)).json).toEqual({ active: false });
    } finally {
      await s.services.resources.update('mcp-a', { policy: { runtime: { client_ids: ['mcp-a-rs'] } } });
    }
  });

  it('the audit trail records each answer: token.introspected, or token.introspect_denied with the reason', async () => {
    const jti = decodeJwt(agentTokens.access_token).payload.jti as string;
    const from = events.length;
    await introspectAs('stranger', agentTokens.access_token);
    await introspectAs('mcp-a-rs', agentTokens.access_token);
    await introspectAs('stranger', 'not.a.jwt');
    expect(events.slice(from).filter((e) => e.type.startsWith('token.introspect')).map((e) => [e.type, e.data])).toEqual([
      ['token.introspect_denied', { reason: 'caller_not_authorized_for_token', jti, caller: 'stranger' }],
      ['token.introspected', { jti, issuing_client: 'my-agent', caller: 'mcp-a-rs' }],
      ['token.introspect_denied', { reason: 'invalid_token', caller: 'stranger' }],
    ]);
    const audit = await (await s.admin('/audit?type=token.introspect_denied&client=stranger')).json();
    const summaries = audit.events.map((e: AppEvent) => auditSummary(e));
    expect(summaries).toEqual(expect.arrayContaining(['reason=invalid_token', `reason=caller_not_authorized_for_token jti=${jti}`]));
  });

  it('the admin token as a Bearer (a Desktop extension) stays entitled to every token', async () => {
    const r = await postForm(`${s.issuer}/oauth/introspect`, { token: agentTokens.access_token }, { authorization: `Bearer ${s.adminToken}` });
    expect(r.json).toMatchObject({ active: true, client_id: 'my-agent', aud: RES_A });
  });
});
