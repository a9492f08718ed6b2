/**
 * The stored resources (with their policy), fronting links, clients and users as a seed file that `serve --seed` / `seed apply`
 * load back into the same rows. Secrets are never exported: a confidential client loaded from
 * the file gets a new secret (printed once), and CIMD clients are left out (they are resolved
 * from their URL on first use).
 */
import { stringify } from 'yaml';
import { formatScopeMap } from '../contracts/fronting';
import type { Services } from '../domain/services';
import type { SeedClient, SeedResource, SeedUser } from './schema';

/** Drops undefined members so the YAML names only what is set. */
const compact = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

export function exportSeed(services: Services, now: Date = new Date(services.deps.clock.now())): string {
  const resources: SeedResource[] = services.resources.list().map((r) =>
    compact({
      slug: r.slug,
      uri: r.uri,
      backend_kind: r.backend_kind,
      display_name: r.display_name,
      scopes: r.scopes.map((s) => compact({ name: s.name, description: s.description, upstream: s.upstream })),
      signing_alg: r.signing_alg,
      is_default: r.is_default,
      access_token_ttl: r.access_token_ttl,
      refresh_token_ttl: r.refresh_token_ttl,
      code_ttl: r.code_ttl,
      policy: r.policy?.exchange?.allowed_client_ids.length || r.policy?.runtime?.client_ids.length ? r.policy : undefined,
    }),
  );
  // In the CLI's `A:AA,B:BB+CC` form; left out when there are none, as before links existed.
  const fronting = services.fronting.list().map((l) => ({ source: l.source, target: l.target, scope_map: formatScopeMap(l.scope_map) }));
  // Client scopes as bare names: the seed's short form.
  const clients: Array<Omit<SeedClient, 'scopes'> & { scopes: string[] }> = services.clients
    .list()
    .filter((c) => c.registration_source !== 'cimd')
    .map((c) => ({
      name: c.client_name,
      client_id: c.client_id,
      grant_types: c.grant_types,
      auth_method: c.token_endpoint_auth_method,
      scopes: c.scope,
      redirect_uris: c.redirect_uris,
      ...(c.application_type ? { application_type: c.application_type } : {}),
    }));
  const users: SeedUser[] = services.users.list().map((u) => compact({ sub: u.sub, name: u.name, email: u.email }));
  const header = [
    `# AuthPlane Desktop seed, exported ${now.toISOString()}.`,
    '# Load it with `authserver serve --seed <file>` or `authserver seed apply <file>`.',
    '# Client secrets are not exported: confidential clients get a new secret when created from this file.',
  ].join('\n');
  return `${header}\n${stringify({ resources, ...(fronting.length ? { fronting } : {}), clients, users }, { lineWidth: 0 })}`;
}
