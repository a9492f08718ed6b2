/**
 * POST /oauth/introspect (RFC 7662). Callers: a registered confidential client, or the admin token
 * as a Bearer (a Desktop extension). Unauthenticated → 401 invalid_client. A token that is
 * invalid, expired, revoked, whose user/client is gone, or that the caller is not entitled to
 * (domain/introspection.ts) is `{active:false}`.
 */
import type { RouteTable } from '../http/routes';
import type { Context } from 'koa';
import { audiences } from '../contracts/common';
import type { Services } from '../domain/services';
import { safeEqual, sha256hex } from '../domain/crypto';
import { mayIntrospect, type IntrospectionCaller } from '../domain/introspection';
import { InvalidClient, InvalidRequest } from '../errors';
import { readForm } from '../http/body';
import { noStore } from '../http/guards';
import { faultStep } from './faults';
import { PATHS } from './paths';
import { authenticateClient } from './token/clientAuth';

const INACTIVE = { active: false } as const;

function authenticateCaller(ctx: Context, s: Services, adminToken: string, params: Record<string, string>): IntrospectionCaller {
  const auth = ctx.get('authorization');
  const bearer = /^bearer\s+(.+)$/i.exec(auth)?.[1]?.trim();
  if (bearer) {
    if (!safeEqual(bearer, adminToken)) throw new InvalidClient('introspection requires a confidential client or the admin token; the bearer token is not the admin token');
    return { kind: 'admin' };
  }
  if (!auth && params.client_secret === undefined) throw new InvalidClient('introspection requires authentication: a confidential client (client_secret_basic / client_secret_post) or the admin token as a Bearer');
  const client = authenticateClient(ctx, s, params);
  if (client.token_endpoint_auth_method === 'none') throw new InvalidClient('public clients may not introspect; use a confidential client');
  return { kind: 'client', client_id: client.client_id };
}

/** Verified claims are live when the issuance is not revoked and its client and user are still there. */
function isLive(s: Services, claims: Record<string, unknown>): boolean {
  if (typeof claims.jti !== 'string' || s.deps.store.issuances.isRevoked(claims.jti)) return false;
  if (!s.clients.get(String(claims.client_id))) return false;
  return claims.sub === claims.client_id || s.users.get(String(claims.sub)) !== undefined;
}

/** The opaque refresh token's family when the token is its live current one. */
function liveRefreshFamily(s: Services, token: string) {
  const fam = s.tokens.familyOf(token);
  if (!fam || fam.revoked_at || fam.current.hash !== sha256hex(token) || Date.parse(fam.current.expires_at) <= s.deps.clock.now()) return undefined;
  return fam;
}

function describe(s: Services, caller: IntrospectionCaller, token: string): Record<string, unknown> {
  const resources = s.resources.list();
  const claims = s.tokens.verifyOwn(token);
  if (claims) {
    if (!isLive(s, claims) || !mayIntrospect(caller, { client_id: String(claims.client_id), aud: audiences(claims.aud) }, resources)) return INACTIVE;
    return { active: true, token_type: 'Bearer', scope: claims.scope, client_id: claims.client_id, sub: claims.sub, aud: audiences(claims.aud)[0], iss: claims.iss, exp: claims.exp, iat: claims.iat, nbf: claims.nbf, jti: claims.jti };
  }
  const fam = liveRefreshFamily(s, token);
  if (!fam || !mayIntrospect(caller, { client_id: fam.client_id, aud: [fam.aud] }, resources)) return INACTIVE;
  return { active: true, token_type: 'refresh_token', client_id: fam.client_id, sub: fam.sub, aud: fam.aud, scope: fam.scope, exp: Math.floor(Date.parse(fam.current.expires_at) / 1000), iss: s.deps.config.issuer };
}

export function mountIntrospect(router: RouteTable, s: Services, adminToken: string): void {
  router.post(PATHS.introspect, noStore, faultStep(s.faults, 'introspect'), async (ctx: Context) => {
    const { params } = await readForm(ctx);
    const caller = authenticateCaller(ctx, s, adminToken, params);
    if (!params.token) throw new InvalidRequest('token parameter is required');
    ctx.body = describe(s, caller, params.token);
  });
}
