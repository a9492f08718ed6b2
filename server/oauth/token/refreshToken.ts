/** grant_type=refresh_token: rotation on every use, family revocation on reuse (see domain/tokens.ts). */
import type { HttpContext } from '../../http/context';
import type { Client } from '../../contracts';
import { matchResource, resourceError } from '../../domain/resourceMatch';
import type { Services } from '../../domain/services';
import { InvalidRequest } from '../../errors';
import { warn } from '../../http/activity';
import type { TokenResponse } from '../../domain/tokens';

export async function refreshTokenGrant(ctx: HttpContext, s: Services, client: Client, p: Record<string, string>): Promise<TokenResponse> {
  if (!p.refresh_token) throw new InvalidRequest('refresh_token is required');
  let resource;
  if (p.resource !== undefined) {
    const m = matchResource(p.resource, s.resources.list(), { strict: s.deps.config.strict });
    if ('error' in m) throw resourceError(m);
    if (m.warning) warn(ctx, m.warning.code, m.warning.message);
    resource = m.resource;
  }
  const scope = p.scope === undefined ? undefined : p.scope.split(' ').filter((x) => x && x !== 'offline_access').join(' ');
  return s.tokens.refresh({ token: p.refresh_token, client, resource, scope, resolveResource: (slug) => s.resources.get(slug) });
}
