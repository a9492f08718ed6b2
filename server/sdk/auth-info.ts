/**
 * The per-request auth object the adapters attach (`req.auth`, `ctx.state.auth`, MCP
 * `extra.authInfo`). It is structurally an MCP SDK `AuthInfo`, so the SDK's transports pass it
 * straight to tool handlers, and it also keeps the friendlier `subject` and `claims`.
 * Declared here without importing the SDK so non-MCP users do not need it.
 */
import type { AccessTokenClaims, ActClaim } from './claims';
import type { VerifiedToken } from './verifier';

export interface RequestAuth {
  token: string;
  clientId: string;
  scopes: string[];
  /** Seconds since the epoch. */
  expiresAt: number;
  /** The resource this token was verified for (its `aud`). */
  resource: URL;
  /** `act` and `actors` (outermost first): the RFC 8693 chain, on exchanged tokens only. */
  extra: { sub: string; jti: string; iss: string; act?: ActClaim; actors?: string[] };
  subject: string;
  claims: Readonly<AccessTokenClaims>;
}

export function toRequestAuth(v: VerifiedToken, resource: string): RequestAuth {
  return {
    token: v.token,
    clientId: v.clientId,
    // AuthInfo.scopes is a mutable string[]; hand out a copy so the cached result stays intact.
    scopes: [...v.scopes],
    expiresAt: v.expiresAt,
    resource: new URL(resource),
    extra: { sub: v.subject, jti: v.claims.jti, iss: v.claims.iss, ...(v.act ? { act: v.act, actors: [...v.actors] } : {}) },
    subject: v.subject,
    claims: v.claims,
  };
}
