/** Realistic data for the window's screens: three resources, three clients, users, 240 issuances (a few revoked). */
import { seedSingleMcp, type TestServer } from '../../helpers/server';
import type { Issuance } from '../../../server/contracts';

export async function seedScreens(server: TestServer) {
  await seedSingleMcp(server);
  const svc = server.services;
  await svc.resources.create({ slug: 'weather', uri: 'http://127.0.0.1:3002/mcp', display_name: 'Weather MCP', scopes: [{ name: 'forecast:read', description: 'Read forecasts' }, { name: 'alerts:write', description: 'Create weather alerts' }], signing_alg: 'RS256' });
  await svc.resources.create({ slug: 'files', uri: 'https://files.localhost/mcp/', display_name: 'Files MCP', scopes: [{ name: 'files:read', description: 'List and read files' }] });
  await svc.clients.create({ client_name: 'Claude Desktop', client_id: 'claude-desktop', redirect_uris: ['http://127.0.0.1:6274/oauth/callback'] }, 'dcr');
  await svc.clients.create({ client_name: 'Cursor', redirect_uris: ['cursor://anysphere.cursor-retrieval/oauth/callback'] }, 'dcr');
  await svc.clients.create({ client_name: 'CI bot', client_id: 'ci-bot', grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_basic' });
  await svc.users.create({ sub: 'alice', name: 'Alice Example', email: 'alice@example.com' });
  await svc.users.create({ sub: 'bob', name: 'Bob Builder' });
  const clients = ['my-agent', 'claude-desktop', 'ci-bot'];
  const res = [
    ['mcp-a', 'http://127.0.0.1:3001/mcp', 'read write'],
    ['weather', 'http://127.0.0.1:3002/mcp', 'forecast:read'],
    ['files', 'https://files.localhost/mcp/', 'files:read'],
  ] as const;
  const now = Date.now();
  const rows: Issuance[] = [];
  for (let i = 0; i < 240; i++) {
    const [slug, aud, scope] = res[i % 3]!;
    const at = now - i * 97_000;
    rows.push({
      jti: `jti-${String(i).padStart(4, '0')}-${Math.random().toString(36).slice(2, 10)}`,
      sub: ['dev-user', 'alice', 'bob'][i % 3]!,
      client_id: clients[i % 3]!,
      resource: slug,
      aud,
      scope,
      grant: i % 3 === 2 ? 'client_credentials' : i % 4 === 1 ? 'refresh_token' : 'authorization_code',
      family_id: i % 3 === 2 ? undefined : `fam-${Math.floor(i / 4)}`,
      issued_at: new Date(at).toISOString(),
      expires_at: new Date(at + 900_000).toISOString(),
      ...(i % 17 === 5 ? { revoked_at: new Date(at + 60_000).toISOString(), revoked_reason: 'admin' } : {}),
    });
  }
  for (const r of rows.reverse()) await server.store.issuances.append(r);
}
