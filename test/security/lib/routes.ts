/**
 * Every route the server answers, with a request that reaches it (ids of the seeded objects,
 * a valid body), and a snapshot of everything a route could change. The security suites replay
 * each one with a hostile twist (foreign Host, no token, foreign Origin) and compare snapshots.
 */
import type { StartOptions } from '../../../server/app';
import { startTestServer, type TestServer } from '../../helpers/server';

export interface RouteCase {
  method: string;
  path: string;
  body?: string;
  type?: string;
  /** Changes state when it succeeds. */
  writes: boolean;
  area: 'public' | 'consent' | 'admin' | 'ui';
}

export interface Seeded {
  server: TestServer;
  interaction: string;
  csrf: string;
  familyId: string;
  jti: string;
  consentId: string;
}

/** A server with the UI mounted, a resource, a public and a confidential client, a grant and a pending prompt. */
export async function seededServer(opts: Partial<StartOptions> = {}): Promise<Seeded> {
  const server = await startTestServer({ consent: 'prompt', ui: { rendererDir: '/nonexistent-renderer' }, ...opts });
  const s = server.services;
  const resource = await s.resources.create({ slug: 'mcp-a', uri: 'http://127.0.0.1:9/mcp', display_name: 'MCP A', scopes: [{ name: 'read', description: 'Read' }, { name: 'write', description: 'Write' }] });
  const client = await s.clients.create({ client_name: 'agent', client_id: 'agent', redirect_uris: ['http://127.0.0.1:8765/callback'], grant_types: ['authorization_code', 'refresh_token'], token_endpoint_auth_method: 'none' });
  await s.users.create({ sub: 'bob', name: 'Bob' });
  const grant = await s.consents.record('dev-user', 'agent', 'mcp-a', ['read']);
  const issued = await s.tokens.issueForCode({ sub: 'dev-user', client: s.clients.get('agent')!, resource: s.resources.get('mcp-a')!, scope: 'read' });
  const i = s.interactions.start({ client: s.clients.get(client.client_id)!, resource: s.resources.get(resource.slug)!, redirectUri: 'http://127.0.0.1:8765/callback', scopes: ['read', 'write'], state: 'st', codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM' }, []);
  return { server, interaction: i.uid, csrf: i.csrf, familyId: issued.familyId!, jti: issued.jti, consentId: grant.id };
}

export function routeCases(x: Seeded): RouteCase[] {
  const J = 'application/json';
  const F = 'application/x-www-form-urlencoded';
  const form = (o: Record<string, string>) => new URLSearchParams(o).toString();
  return [
    { area: 'public', method: 'GET', path: '/.well-known/oauth-authorization-server', writes: false },
    { area: 'public', method: 'GET', path: '/.well-known/openid-configuration', writes: false },
    { area: 'public', method: 'GET', path: '/.well-known/jwks.json', writes: false },
    { area: 'public', method: 'OPTIONS', path: '/oauth/token', writes: false },
    { area: 'public', method: 'GET', path: '/health', writes: false },
    { area: 'public', method: 'GET', path: '/assets/page.css', writes: false },
    { area: 'public', method: 'GET', path: '/assets/consent.js', writes: false },
    { area: 'public', method: 'GET', path: `/oauth/authorize?${form({ response_type: 'code', client_id: 'agent', redirect_uri: 'http://127.0.0.1:8765/callback', scope: 'read', resource: 'mcp-a', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' })}`, writes: true },
    { area: 'public', method: 'POST', path: '/oauth/token', type: F, body: form({ grant_type: 'client_credentials', client_id: 'agent' }), writes: true },
    { area: 'public', method: 'POST', path: '/oauth/register', type: J, body: JSON.stringify({ client_name: 'rebound', redirect_uris: ['http://127.0.0.1:9/cb'] }), writes: true },
    { area: 'public', method: 'POST', path: '/oauth/revoke', type: F, body: form({ token: 'x', client_id: 'agent' }), writes: true },
    { area: 'public', method: 'POST', path: '/oauth/introspect', type: F, body: form({ token: 'x' }), writes: false },
    { area: 'consent', method: 'GET', path: `/consent?interaction=${x.interaction}`, writes: false },
    { area: 'consent', method: 'POST', path: '/consent', type: F, body: form({ interaction: x.interaction, csrf: x.csrf, action: 'approve', scope: 'read', sub: 'dev-user' }), writes: true },
    { area: 'consent', method: 'GET', path: '/consent/wait?interaction=nope', writes: false },
    { area: 'ui', method: 'GET', path: '/', writes: false },
    { area: 'ui', method: 'GET', path: '/ui/', writes: false },
    { area: 'ui', method: 'GET', path: '/ui/api/session', writes: false },
    { area: 'ui', method: 'POST', path: '/ui/api/logout', writes: true },
    { area: 'ui', method: 'POST', path: '/ui/api/login-link', writes: true },
    { area: 'ui', method: 'GET', path: '/ui/api/prm?resource=mcp-a', writes: false },
    { area: 'admin', method: 'GET', path: '/admin/api/status', writes: false },
    { area: 'admin', method: 'GET', path: '/admin/api/resources', writes: false },
    { area: 'admin', method: 'POST', path: '/admin/api/resources', type: J, body: JSON.stringify({ slug: 'evil', uri: 'http://127.0.0.1:9/evil', display_name: 'Evil', scopes: [{ name: 'read', description: 'r' }] }), writes: true },
    { area: 'admin', method: 'GET', path: '/admin/api/resources/mcp-a', writes: false },
    { area: 'admin', method: 'PATCH', path: '/admin/api/resources/mcp-a', type: J, body: JSON.stringify({ display_name: 'pwned' }), writes: true },
    { area: 'admin', method: 'DELETE', path: '/admin/api/resources/mcp-a', writes: true },
    { area: 'admin', method: 'GET', path: '/admin/api/resources/mcp-a/policy/runtime/client-ids', writes: false },
    { area: 'admin', method: 'POST', path: '/admin/api/resources/mcp-a/policy/runtime/client-ids', type: J, body: JSON.stringify({ client_id: 'agent' }), writes: true },
    { area: 'admin', method: 'DELETE', path: '/admin/api/resources/mcp-a/policy/runtime/client-ids/agent', writes: true },
    { area: 'admin', method: 'GET', path: '/admin/api/resources/mcp-a/policy/exchange/allowed-clients', writes: false },
    { area: 'admin', method: 'POST', path: '/admin/api/resources/mcp-a/policy/exchange/allowed-clients', type: J, body: JSON.stringify({ client_id: 'agent' }), writes: true },
    { area: 'admin', method: 'DELETE', path: '/admin/api/resources/mcp-a/policy/exchange/allowed-clients/agent', writes: true },
    { area: 'admin', method: 'PATCH', path: '/admin/api/fronting/mcp-a/mcp-b', type: J, body: JSON.stringify({ scope_map: { read: ['read'] } }), writes: true },
    { area: 'admin', method: 'GET', path: '/admin/api/clients', writes: false },
    { area: 'admin', method: 'POST', path: '/admin/api/clients', type: J, body: JSON.stringify({ client_name: 'evil', client_id: 'evil', redirect_uris: ['https://evil.example/cb'], token_endpoint_auth_method: 'none' }), writes: true },
    { area: 'admin', method: 'GET', path: '/admin/api/clients/agent', writes: false },
    { area: 'admin', method: 'PATCH', path: '/admin/api/clients/agent', type: J, body: JSON.stringify({ redirect_uris: ['https://evil.example/cb'] }), writes: true },
    { area: 'admin', method: 'DELETE', path: '/admin/api/clients/agent', writes: true },
    { area: 'admin', method: 'POST', path: '/admin/api/clients/prune', type: J, body: JSON.stringify({ older_than: '0' }), writes: true },
    { area: 'admin', method: 'GET', path: '/admin/api/users', writes: false },
    { area: 'admin', method: 'POST', path: '/admin/api/users', type: J, body: JSON.stringify({ sub: 'mallory', name: 'Mallory' }), writes: true },
    { area: 'admin', method: 'GET', path: '/admin/api/users/dev-user', writes: false },
    { area: 'admin', method: 'DELETE', path: '/admin/api/users/dev-user', writes: true },
    { area: 'admin', method: 'GET', path: '/admin/api/consents', writes: false },
    { area: 'admin', method: 'DELETE', path: `/admin/api/consents/${x.consentId}`, writes: true },
    { area: 'admin', method: 'GET', path: '/admin/api/issuances', writes: false },
    { area: 'admin', method: 'GET', path: `/admin/api/issuances/${x.jti}`, writes: false },
    { area: 'admin', method: 'POST', path: `/admin/api/issuances/${x.jti}/revoke`, writes: true },
    { area: 'admin', method: 'POST', path: `/admin/api/families/${x.familyId}/revoke`, writes: true },
    { area: 'admin', method: 'GET', path: '/admin/api/keys', writes: false },
    { area: 'admin', method: 'POST', path: '/admin/api/keys/rotate', writes: true },
    { area: 'admin', method: 'GET', path: '/admin/api/interactions', writes: false },
    { area: 'admin', method: 'POST', path: `/admin/api/interactions/${x.interaction}/decision`, type: J, body: JSON.stringify({ action: 'approve', scopes: ['read'] }), writes: true },
    { area: 'admin', method: 'GET', path: '/admin/api/activity', writes: false },
    { area: 'admin', method: 'GET', path: '/admin/api/events', writes: false },
    { area: 'admin', method: 'POST', path: '/admin/api/seed', type: 'application/yaml', body: 'users:\n  - sub: seeded-evil\n    name: Evil\n', writes: true },
    { area: 'admin', method: 'POST', path: '/admin/api/tokens/mint-test', type: J, body: JSON.stringify({ resource: 'mcp-a', kind: 'expired' }), writes: false },
    { area: 'admin', method: 'POST', path: '/admin/api/tokens', type: J, body: JSON.stringify({ resource: 'mcp-a', expired: true }), writes: false },
    { area: 'admin', method: 'GET', path: '/admin/api/faults', writes: false },
    { area: 'admin', method: 'POST', path: '/admin/api/faults', type: J, body: JSON.stringify({ endpoint: 'token', status: 503 }), writes: true },
    { area: 'admin', method: 'DELETE', path: '/admin/api/faults', writes: true },
    { area: 'admin', method: 'DELETE', path: '/admin/api/faults/flt_unknown', writes: true },
    { area: 'admin', method: 'GET', path: '/admin/api/settings', writes: false },
    { area: 'admin', method: 'PATCH', path: '/admin/api/settings', type: J, body: JSON.stringify({ refresh_grace_s: 300 }), writes: true },
    { area: 'admin', method: 'POST', path: '/admin/api/doctor', type: J, body: JSON.stringify({ mcp_url: 'http://127.0.0.1:9/mcp' }), writes: false },
  ];
}

/** Everything a request could have changed. */
export async function snapshot(x: Seeded): Promise<string> {
  const s = x.server.services;
  const st = x.server.store;
  const interaction = s.interactions.get(x.interaction);
  return JSON.stringify({
    resources: st.resources.list(),
    clients: st.clients.list(),
    users: st.users.list(),
    consents: st.consents.list(),
    keys: st.keys.list().map((k) => [k.kid, k.rotated_at ?? null]),
    families: st.families.size(),
    family: await st.families.get(x.familyId),
    issuances: st.issuances.count(),
    revoked: st.issuances.isRevoked(x.jti),
    interaction: interaction ? { outcome: interaction.outcome ?? null } : 'gone',
    pending: s.interactions.listPending().map((p) => p.uid),
    refreshGrace: s.settings.refreshGraceS,
  });
}
