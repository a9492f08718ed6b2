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
import type { IntrospectDeniedReason } from '../contracts/events';
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

/** Why verified claims are no longer live (the product's reason codes), or undefined when they are. */
function deadReason(s: Services, claims: Record<string, unknown>): IntrospectDeniedReason | undefined {
  if (typeof claims.jti !== 'string') return 'invalid_token';
  if (s.deps.store.issuances.isRevoked(claims.jti)) return 'issuance_revoked';
  if (!s.clients.get(String(claims.client_id))) return 'issuing_client_inactive';
  if (claims.sub !== claims.client_id && !s.users.get(String(claims.sub))) return 'subject_inactive';
  return undefined;
}

type Answer = { body: Record<string, unknown>; jti?: string; issuing_client?: string; denied?: IntrospectDeniedReason };

function denied(reason: IntrospectDeniedReason, jti?: string): Answer {
  return { body: INACTIVE, jti, denied: reason };
}

function answerAccessToken(s: Services, caller: IntrospectionCaller, claims: Record<string, unknown>): Answer {
  const jti = typeof claims.jti === 'string' ? claims.jti : undefined;
  const dead = deadReason(s, claims);
  if (dead) return denied(dead, jti);
  if (!mayIntrospect(caller, { client_id: String(claims.client_id), aud: audiences(claims.aud) }, s.resources.list())) return denied('caller_not_authorized_for_token', jti);
  return { jti, issuing_client: String(claims.client_id), body: { active: true, token_type: 'Bearer', scope: claims.scope, client_id: claims.client_id, sub: claims.sub, aud: audiences(claims.aud)[0], iss: claims.iss, exp: claims.exp, iat: claims.iat, nbf: claims.nbf, jti } };
}

/** An opaque refresh token is active while it is its family's live current token. */
async function answerRefreshToken(s: Services, caller: IntrospectionCaller, token: string): Promise<Answer> {
  const fam = await s.tokens.familyOf(token);
  if (!fam) return denied('invalid_token');
  if (fam.revoked_at) return denied('token_revoked');
  if (fam.current.hash !== sha256hex(token) || Date.parse(fam.current.expires_at) <= s.deps.clock.now()) return denied('invalid_token');
  if (!mayIntrospect(caller, { client_id: fam.client_id, aud: [fam.aud] }, s.resources.list())) return denied('caller_not_authorized_for_token');
  return { issuing_client: fam.client_id, body: { active: true, token_type: 'refresh_token', client_id: fam.client_id, sub: fam.sub, aud: fam.aud, scope: fam.scope, exp: Math.floor(Date.parse(fam.current.expires_at) / 1000), iss: s.deps.config.issuer } };
}

/** The audit trail's record of who asked about which token, and why an answer was inactive. */
function record(s: Services, caller: IntrospectionCaller, a: Answer): void {
  const by = caller.kind === 'client' ? { caller: caller.client_id } : {};
  if (a.denied) s.deps.events.emit('token.introspect_denied', { reason: a.denied, ...(a.jti ? { jti: a.jti } : {}), ...by });
  else s.deps.events.emit('token.introspected', { ...(a.jti ? { jti: a.jti } : {}), issuing_client: a.issuing_client!, ...by });
}

export function mountIntrospect(router: RouteTable, s: Services, adminToken: string): void {
  router.post(PATHS.introspect, noStore, faultStep(s.faults, 'introspect'), async (ctx: Context) => {
    const { params } = await readForm(ctx);
    const caller = authenticateCaller(ctx, s, adminToken, params);
    if (!params.token) throw new InvalidRequest('token parameter is required');
    const claims = s.tokens.verifyOwn(params.token);
    const answer = claims ? answerAccessToken(s, caller, claims) : await answerRefreshToken(s, caller, params.token);
    record(s, caller, answer);
    ctx.body = answer.body;
  });
}
