/**
 * RFC 8693 token exchange at /oauth/token, the product's fronted Mint path (mcp-gateway-mint):
 * a real server, real user tokens from the authorization-code flow, raw requests with exact
 * error JSON, the issuance rows and the events the audit trail records.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEvent } from '../../server/contracts';
import { TOKEN_EXCHANGE_GRANT } from '../../server/contracts/enums';
import { decodeJwt, postForm } from '../helpers/oauthClient';
import { startTestServer, type TestServer } from '../helpers/server';
import { ACCESS_TOKEN_TYPE, agentToken, exchange, seedGatewayTopology, type GatewayTopology } from '../helpers/topology';

let s: TestServer;
let topo: GatewayTopology;
const events: AppEvent[] = [];

beforeAll(async () => {
  s = await startTestServer();
  topo = await seedGatewayTopology(s);
  s.services.deps.events.subscribe((e) => events.push(e));
});
afterAll(() => s.stop());

const asGateway = (subjectToken: string, more: { resource?: string; scope?: string; extra?: Record<string, string> } = {}) => exchange(s, { clientId: topo.gatewayId, secret: topo.gatewaySecret, subjectToken, resource: 'hidden', ...more });
const denials = (reason: string) => events.filter((e) => e.type === 'token.exchange_denied' && e.data.reason === reason);

describe('token exchange: the gateway gets a token for the hidden server', () => {
  it('keeps sub, binds aud to the hidden server, maps scopes through the link and names the gateway in act', async () => {
    const user = await agentToken(s, topo.gwUri, 'A B');
    const r = await asGateway(user.access_token);
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.json).toEqual({ access_token: expect.any(String), issued_token_type: ACCESS_TOKEN_TYPE, token_type: 'Bearer', expires_in: 3600, scope: 'AA BB CC' });
    const subject = decodeJwt(user.access_token).payload;
    const { header, payload } = decodeJwt(r.json.access_token as string);
    expect(header.typ).toBe('at+jwt');
    expect(payload).toMatchObject({ iss: s.issuer, sub: subject.sub, aud: [topo.hiddenUri], client_id: 'gw', scope: 'AA BB CC', act: { sub: 'gw', actor_type: 'service', act: { sub: 'my-agent', actor_type: 'agent' } }, agent_chain: ['my-agent', 'gw'] });
    expect((payload.exp as number) - (payload.iat as number)).toBe(3600);

    const row = await s.services.deps.store.issuances.get(payload.jti as string);
    expect(row).toMatchObject({ grant: TOKEN_EXCHANGE_GRANT, sub: subject.sub, client_id: 'gw-client', resource: 'hidden', aud: topo.hiddenUri, scope: 'AA BB CC', parent_jti: subject.jti, act: { sub: 'gw', act: { sub: 'my-agent' } } });
    const done = events.find((e) => e.type === 'token.exchanged' && e.data.jti === payload.jti);
    expect(done?.data).toEqual({ jti: payload.jti, sub: subject.sub, subject_client: 'my-agent', actor_client: 'gw-client', type: 'mint_dispatch', resource: 'hidden', scopes: 'AA BB CC', chain_kind: 'fronted', via_link: 'gw->hidden', parent_jti: subject.jti });
  });

  it('issues only the asked scopes when they are reached from the subject token through the link', async () => {
    const user = await agentToken(s, topo.gwUri, 'A');
    const r = await asGateway(user.access_token, { scope: 'AA' });
    expect(r.status).toBe(200);
    expect(r.json.scope).toBe('AA');
    const over = await asGateway(user.access_token, { scope: 'BB' });
    expect(over.status).toBe(400);
    expect(over.json).toMatchObject({ error: 'invalid_scope', error_description: 'the requested scope is invalid or not allowed: subject_token missing source scope "B" required by fronting link (source=gw target=hidden)' });
    const unknown = await asGateway(user.access_token, { scope: 'ZZ' });
    expect(unknown.json).toMatchObject({ error: 'invalid_scope', error_description: 'the requested scope is invalid or not allowed: scope "ZZ" not in catalog for resource "hidden"' });
  });

  it('a self-registered (DCR) client may not register for it', async () => {
    const r = await s.fetch('/oauth/register', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_name: 'sneaky', redirect_uris: ['http://127.0.0.1:9/cb'], grant_types: ['authorization_code', TOKEN_EXCHANGE_GRANT], token_endpoint_auth_method: 'client_secret_basic' }) });
    expect(r.status).toBe(400);
    expect(await r.json()).toMatchObject({ error: 'invalid_client_metadata', error_description: expect.stringMatching(/^grant_types: a client that registered itself \(dynamic registration\) may only use authorization_code and refresh_token, not urn:ietf:params:oauth:grant-type:token-exchange/) });
  });

  it('advertises the grant in the metadata', async () => {
    const meta = (await (await s.fetch('/.well-known/oauth-authorization-server')).json()) as { grant_types_supported: string[] };
    expect(meta.grant_types_supported).toContain(TOKEN_EXCHANGE_GRANT);
  });
});

describe('token exchange: refusals as the product', () => {
  it('without a fronting link from the gateway: 403 access_denied, token.exchange_denied reason=fronting_link_missing', async () => {
    await s.services.resources.create({ slug: 'gw2', uri: 'http://127.0.0.1:3103/mcp', scopes: [{ name: 'A' }] });
    await s.services.resources.create({ slug: 'hidden2', uri: 'http://127.0.0.1:3104/mcp', scopes: [{ name: 'AA' }] });
    await s.services.fronting.create({ source: 'gw2', target: 'hidden2', scope_map: { A: ['AA'] } });
    const user = await agentToken(s, topo.gwUri, 'A');
    const r = await asGateway(user.access_token, { resource: 'hidden2' });
    expect(r.status).toBe(403);
    expect(r.json).toMatchObject({ error: 'access_denied', error_description: 'client is not authorized to exchange this token: no fronting link from "gw" to "hidden2" (see docs/topologies/mcp-gateway-mint.md)' });
    // The page the description points operators at exists in this repository.
    expect(existsSync('docs/topologies/mcp-gateway-mint.md')).toBe(true);
    expect(denials('fronting_link_missing')).toEqual([expect.objectContaining({ data: { client_id: 'gw-client', reason: 'fronting_link_missing', error: 'access_denied' } })]);
  });

  it('from a client the hidden server does not allow: 403 access_denied (operator gate)', async () => {
    const other = await s.services.clients.create({ client_name: 'rogue', client_id: 'rogue', grant_types: [TOKEN_EXCHANGE_GRANT], token_endpoint_auth_method: 'client_secret_post' }, 'admin');
    const user = await agentToken(s, topo.gwUri, 'A');
    const r = await exchange(s, { clientId: 'rogue', secret: other.client_secret!, subjectToken: user.access_token, resource: 'hidden' });
    expect(r.status).toBe(403);
    expect(r.json).toMatchObject({ error: 'access_denied', error_description: 'client is not authorized to exchange this token: client "rogue" is not in the exchange policy of "hidden" (allowed: gw-client)' });
    expect(denials('operator_gate_denied')).toHaveLength(1);
  });

  it('from a client without the grant: unauthorized_client; from the agent (public): refused', async () => {
    const user = await agentToken(s, topo.gwUri, 'A');
    const r = await postForm(`${s.issuer}/oauth/token`, { grant_type: TOKEN_EXCHANGE_GRANT, client_id: 'my-agent', subject_token: user.access_token, subject_token_type: ACCESS_TOKEN_TYPE, resource: 'hidden' });
    expect(r.status).toBe(400);
    expect(r.json.error).toBe('unauthorized_client');
  });

  it('for a resource no gateway fronts, or an unknown one: invalid_target', async () => {
    await s.services.resources.create({ slug: 'lonely', uri: 'http://127.0.0.1:3105/mcp', scopes: [{ name: 'AA' }] });
    const user = await agentToken(s, topo.gwUri, 'A');
    const r = await asGateway(user.access_token, { resource: 'lonely' });
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({
      error: 'invalid_target',
      error_description: 'the requested resource target is unavailable: resource "lonely" is not fronted by any gateway (declare a link: authserver admin fronting create --source <gateway> --target lonely --scope-map ...)',
    });
    const unknown = await asGateway(user.access_token, { resource: 'http://127.0.0.1:9/nothing' });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error).toBe('invalid_target');
    expect(unknown.json.error_description).toMatch(/^the requested resource target is unavailable: /);
    const missing = await asGateway(user.access_token, { resource: '' });
    expect(missing.json).toMatchObject({ error: 'invalid_request', error_description: 'resource is required: the hidden MCP server the exchanged token is for' });
  });

  it('from a revoked subject token: invalid_grant', async () => {
    const user = await agentToken(s, topo.gwUri, 'A');
    await s.services.tokens.revokeJti(decodeJwt(user.access_token).payload.jti as string, 'admin');
    const r = await asGateway(user.access_token);
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ error: 'invalid_grant', error_description: 'the authorization grant is invalid, expired, or revoked: subject_token was revoked (admin)' });
    expect(denials('subject_token_revoked').length).toBeGreaterThan(0);
  });

  it('from a forged or foreign subject token, or with a wrong token type: refused', async () => {
    const user = await agentToken(s, topo.gwUri, 'A');
    const [h, p] = user.access_token.split('.');
    const forged = await asGateway(`${h}.${p}.AAAA`);
    expect(forged.json).toMatchObject({ error: 'invalid_grant', error_description: 'the authorization grant is invalid, expired, or revoked: subject_token is not a valid, unexpired access token issued by this server' });
    const type = await asGateway(user.access_token, { extra: { subject_token_type: 'urn:ietf:params:oauth:token-type:id_token' } });
    expect(type.json).toMatchObject({ error: 'invalid_request', error_description: 'subject_token_type "urn:ietf:params:oauth:token-type:id_token" is not supported (supported: urn:ietf:params:oauth:token-type:access_token, urn:ietf:params:oauth:token-type:jwt)' });
  });

  it('a chain deeper than the product limit: invalid_request', async () => {
    // g0 → g1 → … → g8: each hop re-exchanges the previous exchanged token and nests one more actor.
    for (let i = 0; i <= 8; i++) await s.services.resources.create({ slug: `g${i}`, uri: `http://127.0.0.1:32${i}0/mcp`, scopes: [{ name: 'x' }] });
    for (let i = 0; i < 8; i++) await s.services.fronting.create({ source: `g${i}`, target: `g${i + 1}`, scope_map: { x: ['x'] } });
    let token = (await agentToken(s, 'http://127.0.0.1:3200/mcp', 'x')).access_token;
    for (let hop = 1; hop <= 7; hop++) {
      const r = await asGateway(token, { resource: `g${hop}` });
      expect(r.status).toBe(200);
      token = r.json.access_token as string;
    }
    // As the product writes them: act nested with actor_type, agent_chain root to current (at most 8).
    const { act, agent_chain } = decodeJwt(token).payload;
    expect(agent_chain).toEqual(['my-agent', 'g0', 'g1', 'g2', 'g3', 'g4', 'g5', 'g6']);
    let inner = act as { sub: string; actor_type: string; act?: unknown };
    for (const sub of ['g6', 'g5', 'g4', 'g3', 'g2', 'g1', 'g0']) {
      expect(inner).toMatchObject({ sub, actor_type: 'service' });
      inner = inner.act as typeof inner;
    }
    expect(inner).toEqual({ sub: 'my-agent', actor_type: 'agent' });
    const r = await asGateway(token, { resource: 'g8' });
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ error: 'invalid_request', error_description: "delegation chain depth exceeds maximum allowed: the exchanged token's act chain would be 9 deep (at most 8)" });
    expect(denials('chain_too_deep')).toHaveLength(1);
  });
});

describe('token exchange: revoking the consent cascades', () => {
  it('revokes the exchanged tokens at every depth, and later exchanges are refused', async () => {
    await s.services.resources.create({ slug: 'deeper', uri: 'http://127.0.0.1:3106/mcp', scopes: [{ name: 'AA' }] });
    await s.services.fronting.create({ source: 'hidden', target: 'deeper', scope_map: { AA: ['AA'] } });
    const user = await agentToken(s, topo.gwUri, 'A');
    const child = await asGateway(user.access_token);
    const grandchild = await asGateway(child.json.access_token as string, { resource: 'deeper' });
    expect(grandchild.status).toBe(200);
    const jtis = [user.access_token, child.json.access_token, grandchild.json.access_token].map((t) => decodeJwt(t as string).payload.jti as string);

    const sub = decodeJwt(user.access_token).payload.sub as string;
    const grant = s.services.consents.find(sub, 'my-agent', 'gw')!;
    const res = await s.admin(`/consents/${grant.id}`, { method: 'DELETE' });
    expect(res.status).toBeLessThan(300);
    for (const jti of jtis) expect((await s.services.deps.store.issuances.get(jti))?.revoked_reason).toBe('consent_revoked');

    const again = await asGateway(user.access_token);
    expect(again.json.error).toBe('invalid_grant');
    await s.services.deps.store.audit.flush();
    const audit = (await (await s.admin('/audit?type=token.exchange_denied')).json()) as { events: AppEvent[] };
    expect(audit.events.length).toBeGreaterThan(0);
  });
});
