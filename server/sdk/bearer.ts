/**
 * The request-level logic every HTTP adapter shares: read the Authorization header, verify,
 * and either return the auth object or a ready-made challenge. Adapters stay a few lines.
 */
import { toRequestAuth, type RequestAuth } from './auth-info';
import { challengeResponse, type ChallengeResponse } from './challenge';
import { InsufficientScopeError, InvalidTokenError, isResourceAuthError, MissingTokenError } from './errors';
import type { ResourceVerifier } from './verifier';

export interface BearerAuthOptions {
  /** Absolute PRM URL for `resource_metadata` (usually `prmUrl(resource)`). */
  resourceMetadataUrl: string;
  /** Scopes this route needs on top of the verifier's own `scopes`. */
  requiredScopes?: readonly string[];
  /** Optional `realm` for the challenge. */
  realm?: string;
}

export type BearerOutcome = { ok: true; auth: RequestAuth } | { ok: false; response: ChallengeResponse };

// RFC 6750 §2.1 b64token.
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * The token from `Authorization: Bearer <token>` (scheme case-insensitive). No header, or
 * another scheme, is MissingTokenError: RFC 6750 treats that as "no credentials" (no error code).
 */
export function extractBearerToken(header: string | null | undefined): string {
  if (!header) throw new MissingTokenError('no Authorization header; send "Authorization: Bearer <access token>"');
  const m = /^([A-Za-z]+)(?: +(.*))?$/.exec(header.trim());
  if (!m || m[1]!.toLowerCase() !== 'bearer') {
    throw new MissingTokenError('the Authorization header does not use the Bearer scheme; send "Authorization: Bearer <access token>"');
  }
  const token = m[2] ?? '';
  if (!B64TOKEN.test(token)) throw new InvalidTokenError('malformed Authorization header; expected "Bearer <access token>"');
  return token;
}

/**
 * Verify the request's bearer token: the building block of every adapter, for frameworks
 * without one. Unexpected (non-auth) errors are rethrown.
 *
 * @example
 * ```ts
 * const out = await authenticate(verifier, req.headers.authorization, { resourceMetadataUrl: prmUrl(resource) });
 * if (!out.ok) return reply.code(out.response.status).headers(out.response.headers).send(out.response.body);
 * request.auth = out.auth;
 * ```
 */
export async function authenticate(
  verifier: ResourceVerifier,
  authorization: string | null | undefined,
  opts: BearerAuthOptions,
): Promise<BearerOutcome> {
  try {
    const token = extractBearerToken(authorization);
    const verified = await verifier.verify(token, { requiredScopes: opts.requiredScopes });
    return { ok: true, auth: toRequestAuth(verified, verifier.resource) };
  } catch (err) {
    if (!isResourceAuthError(err)) throw err;
    // A 401 advertises what this route needs; a 403 lets the error compute the step-up scope.
    const needed = [...new Set([...verifier.requiredScopes, ...(opts.requiredScopes ?? [])])];
    const scope = err instanceof InsufficientScopeError || needed.length === 0 ? undefined : needed;
    return { ok: false, response: challengeResponse(err, { resourceMetadataUrl: opts.resourceMetadataUrl, scope, realm: opts.realm }) };
  }
}
