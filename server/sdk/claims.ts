/**
 * RFC 9068 header and claim rules, kept apart from the crypto so each rejection can carry a
 * precise description (jose's own claim errors say "unexpected aud" without the values).
 */
import type { JWTPayload, ProtectedHeaderParameters } from 'jose';
import { InvalidTokenError } from './errors';
import { isRecord } from './metadata';

/** The claims AuthPlane puts in an access token (RFC 9068 §2.2). */
export interface AccessTokenClaims extends JWTPayload {
  iss: string;
  sub: string;
  aud: string | string[];
  client_id: string;
  jti: string;
  exp: number;
  iat?: number;
  nbf?: number;
  /** Space separated; absent when no scope was granted. */
  scope?: string;
  /** RFC 8693 §4.1, on exchanged tokens only: the current actor (a gateway), earlier actors nested inside. */
  act?: ActClaim;
}

/** An RFC 8693 `act` claim: `sub` names the actor; `act` the one before it (down to the agent). */
export interface ActClaim {
  sub: string;
  act?: ActClaim;
  [extra: string]: unknown;
}

/** RFC 8693 §4.1: each hop an object with a string `sub`; bounded so a hostile token cannot recurse deeply. */
function checkAct(value: unknown): void {
  let hop = value;
  for (let depth = 0; hop !== undefined; depth++) {
    if (depth >= 16) throw new InvalidTokenError('claim "act" is nested more than 16 levels deep');
    if (!isRecord(hop) || typeof hop.sub !== 'string' || hop.sub === '') throw new InvalidTokenError('claim "act" must be an object with a non-empty "sub" at every level (RFC 8693 §4.1)');
    hop = hop.act;
  }
}

/** The actors of a token, outermost (the one calling now) first; empty for a token nobody acts on. */
export function actChain(act: ActClaim | undefined): string[] {
  const out: string[] = [];
  for (let a = act; a; a = a.act) out.push(a.sub);
  return out;
}

export interface ClaimRules {
  issuer: string;
  resource: string;
  /** Seconds. */
  clockTolerance: number;
}

/**
 * RFC 9068 §4: typ must be "at+jwt" (or the long media type form). This is what tells an
 * access token apart from an ID token signed by the same keys.
 */
export function checkHeader(header: ProtectedHeaderParameters, algorithms: readonly string[]): { alg: string; kid: string } {
  const { typ, alg, kid } = header;
  if (typeof typ !== 'string') {
    throw new InvalidTokenError(
      'JWT header has no typ; access tokens must carry typ "at+jwt" (RFC 9068), so this is probably an ID token or a token from another issuer',
    );
  }
  const t = typ.toLowerCase();
  if (t !== 'at+jwt' && t !== 'application/at+jwt') {
    throw new InvalidTokenError(`JWT header typ "${typ}" is not "at+jwt" (RFC 9068); this is not an OAuth access token`);
  }
  if (typeof alg !== 'string' || !algorithms.includes(alg)) {
    throw new InvalidTokenError(`JWT alg ${JSON.stringify(alg ?? null)} is not accepted; this resource accepts ${algorithms.join(', ')}`);
  }
  if (typeof kid !== 'string' || kid === '') {
    throw new InvalidTokenError('JWT header has no kid, so no key can be chosen from the authorization server\'s JWKS');
  }
  return { alg, kid };
}

/** Validates the verified payload against this resource's expectations. `nowMs` is the clock. */
export function checkClaims(payload: unknown, rules: ClaimRules, nowMs: number): AccessTokenClaims {
  if (!isRecord(payload)) throw new InvalidTokenError('JWT payload is not a JSON object');
  const c = payload;

  if (c.iss !== rules.issuer) {
    throw new InvalidTokenError(`iss ${show(c.iss)} does not equal the expected issuer "${rules.issuer}"`);
  }
  checkAudience(c.aud, rules.resource);

  for (const name of ['sub', 'client_id', 'jti'] as const) {
    if (typeof c[name] !== 'string' || c[name] === '') {
      throw new InvalidTokenError(`required claim "${name}" is missing or empty`);
    }
  }
  if (!isNumericDate(c.exp)) throw new InvalidTokenError('required claim "exp" is missing or not a number');

  const now = nowMs / 1000;
  const tol = rules.clockTolerance;
  // Same inequalities as jose: expired when exp <= now - tolerance.
  if (c.exp <= now - tol) {
    throw new InvalidTokenError(`token expired at ${iso(c.exp)} (now ${iso(now)}, clock tolerance ${tol} s)`);
  }
  if (c.nbf !== undefined) {
    if (!isNumericDate(c.nbf)) throw new InvalidTokenError('claim "nbf" is not a number');
    if (c.nbf > now + tol) {
      throw new InvalidTokenError(`token is not valid before ${iso(c.nbf)} (now ${iso(now)}, clock tolerance ${tol} s); check the clocks`);
    }
  }
  if (c.iat !== undefined) {
    if (!isNumericDate(c.iat)) throw new InvalidTokenError('claim "iat" is not a number');
    if (c.iat > now + tol) {
      throw new InvalidTokenError(`token was issued in the future (iat ${iso(c.iat)}, now ${iso(now)}, clock tolerance ${tol} s); check the clocks`);
    }
  }
  if (c.act !== undefined) checkAct(c.act);
  if (c.scope !== undefined && typeof c.scope !== 'string') {
    throw new InvalidTokenError('claim "scope" must be a space-separated string');
  }
  // A sender-constrained token (DPoP / mTLS) presented as a plain bearer token must be refused
  // (RFC 9449 §7.1); this resource does not check proofs.
  if (c.cnf !== undefined) {
    throw new InvalidTokenError('token is sender-constrained (cnf claim) but this resource only accepts bearer tokens');
  }
  return c as AccessTokenClaims;
}

/** `aud` must contain the resource byte for byte: no slash, case or port normalisation. */
function checkAudience(aud: unknown, resource: string): void {
  if (typeof aud === 'string') {
    if (aud === resource) return;
    throw new InvalidTokenError(`aud "${aud}" does not equal this resource "${resource}"`);
  }
  if (Array.isArray(aud) && aud.length > 0 && aud.every((a) => typeof a === 'string')) {
    if (aud.includes(resource)) return;
    throw new InvalidTokenError(`aud ${JSON.stringify(aud)} does not contain this resource "${resource}"`);
  }
  if (aud === undefined) {
    throw new InvalidTokenError(`aud is missing; this resource only accepts tokens issued for "${resource}" (request them with resource=${resource})`);
  }
  throw new InvalidTokenError(`aud ${JSON.stringify(aud)} is neither a string nor an array of strings`);
}

export function parseScopes(scope: string | undefined): string[] {
  return scope ? scope.split(' ').filter((s) => s !== '') : [];
}

function isNumericDate(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function show(v: unknown): string {
  return typeof v === 'string' ? `"${v}"` : v === undefined ? '(missing)' : JSON.stringify(v);
}

function iso(seconds: number): string {
  return new Date(Math.round(seconds * 1000)).toISOString();
}
