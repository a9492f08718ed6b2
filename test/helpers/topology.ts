/** The mcp-gateway-mint topology on a test server: gateway and hidden resources, the link, the agent and the gateway's client. */
import type { RunningServer } from '../../server/app';
import { TOKEN_EXCHANGE_GRANT } from '../../server/contracts/enums';
import { codeFlow, postForm } from './oauthClient';

export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

export interface GatewayTopology {
  gwUri: string;
  hiddenUri: string;
  gatewayId: string;
  gatewaySecret: string;
}

/**
 * gw (A, B) fronts hidden (AA, BB, CC) with scope map A:AA,B:BB+CC; the agent `my-agent` is public
 * (code + refresh); `gw-client` is confidential with the token-exchange grant and the only client
 * in hidden's exchange policy.
 */
export async function seedGatewayTopology(s: RunningServer, uris: { gw?: string; hidden?: string } = {}): Promise<GatewayTopology> {
  const gwUri = uris.gw ?? 'http://127.0.0.1:3101/mcp';
  const hiddenUri = uris.hidden ?? 'http://127.0.0.1:3102/mcp';
  await s.services.resources.create({ slug: 'gw', uri: gwUri, display_name: 'Gateway', scopes: [{ name: 'A' }, { name: 'B' }] });
  await s.services.resources.create({ slug: 'hidden', uri: hiddenUri, display_name: 'Hidden', scopes: [{ name: 'AA' }, { name: 'BB' }, { name: 'CC' }], policy: { exchange: { allowed_client_ids: ['gw-client'] } } });
  await s.services.fronting.create({ source: 'gw', target: 'hidden', scope_map: { A: ['AA'], B: ['BB', 'CC'] } });
  await s.services.clients.create({ client_name: 'my-agent', client_id: 'my-agent', redirect_uris: ['http://127.0.0.1:8765/callback'], grant_types: ['authorization_code', 'refresh_token'], token_endpoint_auth_method: 'none' }, 'admin');
  const gw = await s.services.clients.create({ client_name: 'gw-client', client_id: 'gw-client', grant_types: [TOKEN_EXCHANGE_GRANT], token_endpoint_auth_method: 'client_secret_basic' }, 'admin');
  return { gwUri, hiddenUri, gatewayId: 'gw-client', gatewaySecret: gw.client_secret! };
}

/** The user's token for a resource, through the agent's authorization-code flow (auto consent). */
export async function agentToken(s: RunningServer, resource: string, scope: string, clientId = 'my-agent') {
  const { tokens } = await codeFlow({ issuer: s.issuer, clientId, resource, scope });
  return tokens;
}

export const basic = (id: string, secret: string) => ({ authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}` });

/** A raw RFC 8693 request (exact status and JSON back). */
export function exchange(s: RunningServer, o: { clientId: string; secret: string; subjectToken: string; resource?: string; scope?: string; extra?: Record<string, string> }) {
  const body: Record<string, string> = { grant_type: TOKEN_EXCHANGE_GRANT, subject_token: o.subjectToken, subject_token_type: ACCESS_TOKEN_TYPE, ...o.extra };
  if (o.resource !== undefined) body.resource = o.resource;
  if (o.scope !== undefined) body.scope = o.scope;
  return postForm(`${s.issuer}/oauth/token`, body, basic(o.clientId, o.secret));
}
