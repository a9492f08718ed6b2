/**
 * POST /oauth/revoke (RFC 7009). Refresh token → its whole family (and the family's live access
 * tokens). Access token (a JWT we issued) → its issuance is marked revoked, so introspection
 * answers inactive; JWTs still verify offline until exp (documented limit). Always 200 for a
 * token the caller does not own or we do not know (§2.2: no oracle).
 */
import type { RouteTable } from '../http/routes';
import type { Context } from 'koa';
import type { Services } from '../domain/services';
import { InvalidRequest } from '../errors';
import { readForm } from '../http/body';
import { noStore } from '../http/guards';
import { faultStep } from './faults';
import { PATHS } from './paths';
import { authenticateClient } from './token/clientAuth';

export function mountRevoke(router: RouteTable, s: Services): void {
  router.post(PATHS.revoke, noStore, faultStep(s.faults, 'revoke'), async (ctx: Context) => {
    const { params } = await readForm(ctx);
    const client = authenticateClient(ctx, s, params);
    if (!params.token) throw new InvalidRequest('token parameter is required');
    const hint = params.token_type_hint;
    const tryRefresh = async () => {
      const fam = await s.tokens.familyOf(params.token!);
      if (!fam) return false;
      if (fam.client_id === client.client_id) await s.tokens.revokeFamily(fam.id, 'revoked_by_client');
      return true;
    };
    const tryAccess = async () => {
      const claims = s.tokens.verifyOwn(params.token!);
      if (!claims || typeof claims.jti !== 'string') return false;
      if (claims.client_id === client.client_id) await s.tokens.revokeJti(claims.jti, 'revoked_by_client');
      return true;
    };
    if (hint === 'access_token') {
      if (!(await tryAccess())) await tryRefresh();
    } else if (!(await tryRefresh())) await tryAccess();
    ctx.status = 200;
    ctx.body = '';
  });
}
