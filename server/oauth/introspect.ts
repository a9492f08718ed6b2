/**
 * POST /oauth/introspect (RFC 7662). Callers: any registered confidential client (an MCP server
 * can be one), or the admin token as a Bearer. Unauthenticated → 401 invalid_client. A token
 * that is invalid, expired, revoked, or whose user/client is gone is `{active:false}`.
 */
import type { RouteTable } from '../http/routes';
import type { Context } from 'koa';
import { audiences } from '../contracts/common';
import type { Services } from '../domain/services';
import { safeEqual, sha256hex } from '../domain/crypto';
import { InvalidClient, InvalidRequest } from '../errors';
import { readForm } from '../http/body';
import { noStore } from '../http/guards';
import { faultStep } from './faults';
import { PATHS } from './paths';
import { authenticateClient } from './token/clientAuth';

export function mountIntrospect(router: RouteTable, s: Services, adminToken: string): void {
  router.post(PATHS.introspect, noStore, faultStep(s.faults, 'introspect'), async (ctx: Context) => {
    const { params } = await readForm(ctx);
    const auth = ctx.get('authorization');
    const bearer = /^bearer\s+(.+)$/i.exec(auth)?.[1]?.trim();
    if (bearer) {
      if (!safeEqual(bearer, adminToken)) throw new InvalidClient('introspection requires a confidential client or the admin token; the bearer token is not the admin token');
    } else {
      if (!auth && params.client_secret === undefined) throw new InvalidClient('introspection requires authentication: a confidential client (client_secret_basic / client_secret_post) or the admin token as a Bearer');
      const client = authenticateClient(ctx, s, params);
      if (client.token_endpoint_auth_method === 'none') throw new InvalidClient('public clients may not introspect; use a confidential client');
    }
    if (!params.token) throw new InvalidRequest('token parameter is required');
    const claims = s.tokens.verifyOwn(params.token);
    const jti = typeof claims?.jti === 'string' ? claims.jti : undefined;
    const inactive = !claims || !jti || s.deps.store.issuances.isRevoked(jti) || !s.clients.get(String(claims.client_id)) || (claims.sub !== claims.client_id && !s.users.get(String(claims.sub)));
    if (inactive) {
      const fam = !claims ? await s.tokens.familyOf(params.token) : undefined;
      if (fam && !fam.revoked_at && fam.current.hash === sha256hex(params.token) && Date.parse(fam.current.expires_at) > s.deps.clock.now()) {
        ctx.body = { active: true, token_type: 'refresh_token', client_id: fam.client_id, sub: fam.sub, aud: fam.aud, scope: fam.scope, exp: Math.floor(Date.parse(fam.current.expires_at) / 1000), iss: s.deps.config.issuer };
        return;
      }
      ctx.body = { active: false };
      return;
    }
    ctx.body = { active: true, token_type: 'Bearer', scope: claims.scope, client_id: claims.client_id, sub: claims.sub, aud: audiences(claims.aud)[0], iss: claims.iss, exp: claims.exp, iat: claims.iat, nbf: claims.nbf, jti };
  });
}
