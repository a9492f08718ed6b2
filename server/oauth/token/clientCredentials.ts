/**
 * grant_type=client_credentials for confidential clients. `aud` is the resource's registered
 * URI even when the slug was sent (the product puts the raw parameter there; that is a trap).
 */
import type { HttpContext } from '../../http/context';
import type { Client } from '../../contracts';
import { matchResource, resourceError } from '../../domain/resourceMatch';
import { selfRegisteredGrantProblem } from '../../domain/clients';
import type { Services } from '../../domain/services';
import { InvalidScope, UnauthorizedClient } from '../../errors';
import { warn } from '../../http/activity';
import type { TokenResponse } from '../../domain/tokens';

export async function clientCredentialsGrant(ctx: HttpContext, s: Services, client: Client, p: Record<string, string>): Promise<TokenResponse> {
  // Defence in depth: a DCR client stored before registration refused this grant must not mint
  // tokens without a user's consent either.
  const selfRegistered = selfRegisteredGrantProblem(client.registration_source, ['client_credentials']);
  if (selfRegistered) throw new UnauthorizedClient(`client "${client.client_id}" is refused: ${selfRegistered}`);
  if (client.token_endpoint_auth_method === 'none') throw new UnauthorizedClient('client_credentials is only for confidential clients (this client is public)');
  const m = matchResource(p.resource, s.resources.list(), { strict: s.deps.config.strict });
  if ('error' in m) throw resourceError(m);
  if (m.warning) warn(ctx, m.warning.code, m.warning.message);
  ctx.state.resource = m.resource.uri;
  const catalog = m.resource.scopes.map((x) => x.name);
  const allowed = client.scope.length ? catalog.filter((x) => client.scope.includes(x)) : catalog;
  const asked = p.scope === undefined ? allowed : p.scope.split(' ').filter(Boolean);
  const unknown = asked.filter((x) => !catalog.includes(x));
  if (unknown.length) throw new InvalidScope(`scope ${unknown.map((x) => `"${x}"`).join(', ')} is not defined for resource "${m.resource.uri}" (available: ${catalog.join(' ')})`);
  const over = asked.filter((x) => !allowed.includes(x));
  if (over.length) throw new InvalidScope(`client "${client.client_id}" may not request ${over.map((x) => `"${x}"`).join(', ')} (its scope ceiling is: ${client.scope.join(' ')})`);
  if (asked.length === 0) throw new InvalidScope(`no scope to grant: resource "${m.resource.slug}" defines none`);
  return s.tokens.issueForClient({ client, resource: m.resource, scope: asked.join(' ') });
}
