/**
 * The mcp-gateway-mint and direct-fanout topologies with the official MCP SDK end to end: an
 * agent (SDK client, DCR + PKCE) authorizes to a gateway MCP server and calls a tool; the
 * gateway exchanges the user's token (RFC 8693) and calls the hidden MCP server, which verifies
 * aud, sub and act with the SDK adapter. Refusals (no link, wrong client, revoked consent) come
 * back with the product's errors; fan-out gives one token and one consent per server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExampleMcpServer, type ExampleMcpServer } from '../../examples/mcp-server/server';
import { startGateway, type Gateway } from '../../examples/gateway/server';
import { TOKEN_EXCHANGE_GRANT } from '../../server/contracts/enums';
import { exchangeToken, TokenExchangeError } from '../../server/sdk';
import { TestAuthProvider } from '../helpers/mcpAuthProvider';
import { decodeJwt, postForm } from '../helpers/oauthClient';
import { startTestServer, type TestServer } from '../helpers/server';
import { connectSdk, toolText } from './helpers';

let s: TestServer;
let hidden: ExampleMcpServer;
let gateway: Gateway;
let gatewaySecret: string;

beforeAll(async () => {
  s = await startTestServer();
  const gw = await s.services.clients.create({ client_name: 'mcp-gw', client_id: 'mcp-gw-client', grant_types: [TOKEN_EXCHANGE_GRANT], token_endpoint_auth_method: 'client_secret_basic' }, 'admin');
  gatewaySecret = gw.client_secret!;
  hidden = await startExampleMcpServer({ issuer: s.issuer });
  gateway = await startGateway({ issuer: s.issuer, hiddenUrl: hidden.resource, clientId: 'mcp-gw-client', clientSecret: gatewaySecret });
  const scopes = [{ name: 'read' }, { name: 'write' }];
  await s.services.resources.create({ slug: 'mcp-gw', uri: gateway.resource, display_name: 'MCP Gateway', scopes });
  await s.services.resources.create({ slug: 'rest-api', uri: hidden.resource, display_name: 'Hidden notes', scopes, policy: { exchange: { allowed_client_ids: ['mcp-gw-client'] } } });
  await s.services.fronting.create({ source: 'mcp-gw', target: 'rest-api', scope_map: { read: ['read'], write: ['write'] } });
}, 60_000);

afterAll(async () => {
  await gateway?.close();
  await hidden?.close();
  await s?.stop();
});

const json = (r: unknown) => JSON.parse(toolText(r)) as Record<string, unknown>;

describe('mcp-gateway-mint with the official MCP SDK', () => {
  it('agent → gateway tool call → exchange → hidden server sees the user as sub, aud = itself, the gateway in act', async () => {
    const provider = new TestAuthProvider();
    const { client } = await connectSdk(gateway.url, provider);
    const agentId = provider.info!.client_id;
    // The agent only ever asked for the gateway.
    expect(provider.authorizations[0]!.searchParams.get('resource')).toBe(gateway.resource);
    expect(decodeJwt(provider.saved!.access_token).payload.aud).toEqual([gateway.resource]);

    const who = json(await client.callTool({ name: 'whoami', arguments: {} }));
    expect(who).toMatchObject({ subject: 'dev-user', client_id: 'mcp-gw', scopes: ['read', 'write'], aud: hidden.resource, act: { sub: 'mcp-gw', act: { sub: agentId } }, actors: ['mcp-gw', agentId] });
    const wrote = await client.callTool({ name: 'write_note', arguments: { name: 'n', text: 'through the gateway' } });
    expect(toolText(wrote)).toBe('saved note "n" (19 chars)');
    expect(toolText(await client.callTool({ name: 'read_note', arguments: { name: 'n' } }))).toBe('through the gateway');
    await client.close();

    // Each exchanged token is an issuance row naming its parent, and the audit trail has the exchange.
    const page = (await (await s.admin('/issuances?resource=rest-api')).json()) as { issuances: Array<Record<string, unknown>> };
    expect(page.issuances.length).toBeGreaterThanOrEqual(3);
    expect(page.issuances[0]).toMatchObject({ grant: TOKEN_EXCHANGE_GRANT, sub: 'dev-user', client_id: 'mcp-gw-client', parent_jti: decodeJwt(provider.saved!.access_token).payload.jti, act: { sub: 'mcp-gw', act: { sub: agentId } } });
    await s.services.deps.store.audit.flush();
    const audit = (await (await s.admin('/audit?type=token.exchanged')).json()) as { events: Array<{ data: Record<string, unknown> }> };
    expect(audit.events[0]!.data).toMatchObject({ sub: 'dev-user', subject_client: agentId, actor_client: 'mcp-gw-client', resource: 'rest-api', chain_kind: 'fronted', via_link: 'mcp-gw->rest-api' });
  });

  it('a gateway authenticating as the wrong client is refused with access_denied (SDK exchangeToken)', async () => {
    const rogue = await s.services.clients.create({ client_name: 'rogue', client_id: 'rogue-gw', grant_types: [TOKEN_EXCHANGE_GRANT], token_endpoint_auth_method: 'client_secret_basic' }, 'admin');
    const provider = new TestAuthProvider();
    const { client } = await connectSdk(gateway.url, provider);
    await client.close();
    const err = await exchangeToken({ issuer: s.issuer, clientId: 'rogue-gw', clientSecret: rogue.client_secret!, subjectToken: provider.saved!.access_token, resource: hidden.resource }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TokenExchangeError);
    expect(err).toMatchObject({ status: 403, error: 'access_denied', errorDescription: 'client is not authorized to exchange this token: client "rogue-gw" is not in the exchange policy of "rest-api" (allowed: mcp-gw-client)' });
  });

  it('without the fronting link the tool call fails with the exchange refusal (access_denied; invalid_target once nothing fronts it)', async () => {
    const provider = new TestAuthProvider();
    const { client } = await connectSdk(gateway.url, provider);
    // Another gateway still fronts rest-api: the link this gateway needs is what is missing.
    await s.services.resources.create({ slug: 'other-gw', uri: 'http://127.0.0.1:9/other', scopes: [{ name: 'read' }] });
    await s.services.fronting.create({ source: 'other-gw', target: 'rest-api', scope_map: { read: ['read'] } });
    await s.services.fronting.delete('mcp-gw', 'rest-api');
    try {
      const r = (await client.callTool({ name: 'whoami', arguments: {} })) as { isError?: boolean };
      expect(r.isError).toBe(true);
      expect(toolText(r)).toBe('token exchange refused: access_denied: client is not authorized to exchange this token: no fronting link from "mcp-gw" to "rest-api" (see docs/topologies/mcp-gateway-mint.md)');
      await s.services.resources.delete('other-gw', { cascade: true });
      const none = (await client.callTool({ name: 'whoami', arguments: {} })) as { isError?: boolean };
      expect(toolText(none)).toBe('token exchange refused: invalid_target: the requested resource target is unavailable: resource "rest-api" is not fronted by any gateway (declare a link: authserver admin fronting create --source <gateway> --target rest-api --scope-map ...)');
    } finally {
      await s.services.fronting.create({ source: 'mcp-gw', target: 'rest-api', scope_map: { read: ['read'], write: ['write'] } });
      await client.close();
    }
  });

  it('revoking the consent at the gateway revokes the exchanged tokens, and the next exchange is refused', async () => {
    const provider = new TestAuthProvider();
    const { client } = await connectSdk(gateway.url, provider);
    const agentId = provider.info!.client_id;
    await client.callTool({ name: 'whoami', arguments: {} });
    const exchanged = ((await (await s.admin(`/issuances?resource=rest-api`)).json()) as { issuances: Array<{ jti: string; parent_jti?: string }> }).issuances.filter((r) => r.parent_jti === decodeJwt(provider.saved!.access_token).payload.jti);
    expect(exchanged).toHaveLength(1);

    const grant = s.services.consents.find('dev-user', agentId, 'mcp-gw')!;
    expect((await s.admin(`/consents/${grant.id}`, { method: 'DELETE' })).status).toBeLessThan(300);
    const row = (await (await s.admin(`/issuances/${exchanged[0]!.jti}`)).json()) as { state: string; revoked_reason: string };
    expect(row).toMatchObject({ state: 'revoked', revoked_reason: 'consent_revoked' });

    // The gateway still accepts the agent's JWT offline until exp; AuthPlane refuses the exchange.
    const r = (await client.callTool({ name: 'whoami', arguments: {} })) as { isError?: boolean };
    expect(r.isError).toBe(true);
    expect(toolText(r)).toMatch(/^token exchange refused: invalid_grant: the authorization grant is invalid, expired, or revoked: subject_token was revoked \(consent_revoked\)$/);
    await client.close();
  });
});

describe('direct-fanout with the official MCP SDK', () => {
  it('one agent, two servers: one token per server (aud each), independent consents', async () => {
    const a = await startExampleMcpServer({ issuer: s.issuer });
    const b = await startExampleMcpServer({ issuer: s.issuer });
    try {
      await s.services.resources.create({ slug: 'fan-a', uri: a.resource, scopes: [{ name: 'read' }, { name: 'write' }] });
      await s.services.resources.create({ slug: 'fan-b', uri: b.resource, scopes: [{ name: 'read' }, { name: 'write' }] });
      const pa = new TestAuthProvider();
      const ca = (await connectSdk(a.url, pa)).client;
      // The same agent registration for the second server: a second authorization, its own token.
      const pb = new TestAuthProvider(undefined, { clientId: pa.info!.client_id });
      const cb = (await connectSdk(b.url, pb)).client;
      const agentId = pa.info!.client_id;
      expect(decodeJwt(pa.saved!.access_token).payload.aud).toEqual([a.resource]);
      expect(decodeJwt(pb.saved!.access_token).payload.aud).toEqual([b.resource]);
      expect(json(await ca.callTool({ name: 'whoami', arguments: {} }))).toMatchObject({ aud: a.resource, client_id: agentId });
      expect(json(await cb.callTool({ name: 'whoami', arguments: {} }))).toMatchObject({ aud: b.resource, client_id: agentId });

      const consents = s.services.consents.list({ client_id: agentId });
      expect(consents.map((g) => g.resource).sort()).toEqual(['fan-a', 'fan-b']);
      await s.services.consents.revoke(consents.find((g) => g.resource === 'fan-a')!.id);
      // fan-a's grant is gone (its refresh token too); fan-b's is untouched.
      const refreshA = await postForm(`${s.issuer}/oauth/token`, { grant_type: 'refresh_token', refresh_token: pa.saved!.refresh_token!, client_id: agentId });
      expect(refreshA.json.error).toBe('invalid_grant');
      const refreshB = await postForm(`${s.issuer}/oauth/token`, { grant_type: 'refresh_token', refresh_token: pb.saved!.refresh_token!, client_id: agentId });
      expect(refreshB.status).toBe(200);
      expect(decodeJwt(refreshB.json.access_token as string).payload.aud).toEqual([b.resource]);
      expect(s.services.consents.list({ client_id: agentId }).map((g) => g.resource)).toEqual(['fan-b']);
      await ca.close();
      await cb.close();
    } finally {
      await a.close();
      await b.close();
    }
  });
});
