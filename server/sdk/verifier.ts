/**
 * The framework-free core: verify an AuthPlane (RFC 9068) access token for one resource.
 * Adapters (mcp, express, koa, fetch) only translate between this and their request objects.
 */
import { compactVerify, decodeProtectedHeader, errors } from 'jose';
import { actChain, checkClaims, checkHeader, parseScopes, type AccessTokenClaims, type ActClaim } from './claims';
import { InsufficientScopeError, InvalidTokenError, MissingTokenError } from './errors';
import type { FetchLike } from './fetch-json';
import { JwksCache } from './jwks';
import { discoverAuthorizationServer } from './metadata';
import { TokenCache } from './token-cache';

export interface ResourceVerifierOptions {
  /** The AS issuer, exactly as it appears in its metadata and in `iss` (no normalisation). */
  issuer: string;
  /** This resource's URI exactly as registered at the AS; tokens must carry it in `aud`. */
  resource: string;
  /** Scopes required on every call (in addition to per-call `requiredScopes`). */
  scopes?: readonly string[];
  /** Accepted JWS algorithms. Default ES256, RS256. `none` and HS* are refused. */
  algorithms?: readonly string[];
  /** Allowed clock skew for exp/nbf/iat, in seconds. Default 30. */
  clockTolerance?: number;
  /** fetch used for metadata and JWKS. Default: global fetch. */
  fetch?: FetchLike;
  /** Size of the verified-token LRU. 0 disables it. Default 10 000. */
  cacheMaxEntries?: number;
  /** Clock in milliseconds since the epoch (like Date.now). */
  now?: () => number;
}

export interface VerifyOptions {
  /** Scopes this particular call needs, on top of the verifier's `scopes`. */
  requiredScopes?: readonly string[];
}

/** What a successful verification yields. Frozen; repeated tokens return the same object. */
export interface VerifiedToken {
  readonly token: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly subject: string;
  /** `exp`, in seconds since the epoch (the unit MCP's AuthInfo uses). */
  readonly expiresAt: number;
  readonly claims: Readonly<AccessTokenClaims>;
  /** RFC 8693 `act` of an exchanged token (the gateway, the agent inside it); undefined otherwise. */
  readonly act: Readonly<ActClaim> | undefined;
  /** The actors outermost first, e.g. `['mcp-gw', 'my-agent']`; empty when nobody acts on the subject's behalf. */
  readonly actors: readonly string[];
}

export interface ResourceVerifier {
  readonly issuer: string;
  readonly resource: string;
  /** The scopes required on every call (the `scopes` option). */
  readonly requiredScopes: readonly string[];
  /** Throws InvalidTokenError (401), InsufficientScopeError (403), JwksUnavailableError or MetadataError (503). */
  verify(token: string, options?: VerifyOptions): Promise<VerifiedToken>;
  /** Fetch metadata and JWKS now instead of on the first request. */
  warmUp(): Promise<void>;
  /** Forget every cached verification (e.g. after revoking a key). */
  clearCache(): void;
}

// Asymmetric only: with a symmetric alg the "public" JWKS would be the signing secret.
const ASYMMETRIC = new Set(['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA', 'Ed25519']);
const MAX_TOKEN_LENGTH = 16 * 1024;

/**
 * Create a verifier for one resource. Nothing is fetched until the first `verify` (or
 * `warmUp`): then the AS metadata is loaded (its `issuer` must equal `issuer` exactly) and the
 * JWKS at its `jwks_uri` is cached per `Cache-Control: max-age`, refetched once on an unknown
 * `kid` (at most every 30 s), and served stale if the AS is briefly unreachable.
 *
 * @example
 * ```ts
 * const verifier = createResourceVerifier({
 *   issuer: 'http://127.0.0.1:9000',
 *   resource: 'http://127.0.0.1:3001/mcp', // byte for byte as registered in AuthPlane
 *   scopes: ['read'],                       // required on every call
 * });
 * try {
 *   const { subject, clientId, scopes } = await verifier.verify(token, { requiredScopes: ['write'] });
 * } catch (err) {
 *   if (isResourceAuthError(err)) return challengeResponse(err, { resourceMetadataUrl: prmUrl(verifier.resource) });
 *   throw err;
 * }
 * ```
 */
export function createResourceVerifier(options: ResourceVerifierOptions): ResourceVerifier {
  const cfg = validateOptions(options);
  const now = options.now ?? Date.now;
  const fetchImpl: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  const cache = new TokenCache<VerifiedToken>(cfg.cacheMaxEntries);
  const rules = { issuer: cfg.issuer, resource: cfg.resource, clockTolerance: cfg.clockTolerance };
  let jwks: Promise<JwksCache> | undefined;

  // Lazy and single-flight; a failure is not remembered, so the next request retries.
  function getJwks(): Promise<JwksCache> {
    jwks ??= discoverAuthorizationServer(cfg.issuer, fetchImpl)
      .then((info) => new JwksCache({ uri: info.jwksUri, fetch: fetchImpl, now }))
      .catch((err: unknown) => {
        jwks = undefined;
        throw err;
      });
    return jwks;
  }

  function checkScopes(result: VerifiedToken, extra: readonly string[] | undefined): void {
    const granted = result.scopes;
    const ok = (s: string) => granted.includes(s);
    if (cfg.scopes.every(ok) && (extra === undefined || extra.every(ok))) return;
    throw new InsufficientScopeError([...new Set([...cfg.scopes, ...(extra ?? [])])], granted);
  }

  async function verifyFresh(token: string): Promise<VerifiedToken> {
    const parts = token.split('.').length;
    if (parts === 5) throw new InvalidTokenError('encrypted (JWE) access tokens are not supported; expected a signed JWT');
    if (parts !== 3 || token.length > MAX_TOKEN_LENGTH) {
      throw new InvalidTokenError('the access token is not a JWT (expected three base64url parts separated by dots)');
    }
    let header;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      throw new InvalidTokenError('the JWT header is not valid base64url-encoded JSON');
    }
    const { alg, kid } = checkHeader(header, cfg.algorithms);
    const keys = await getJwks();
    const key = await keys.getKey(header);

    let payload: Uint8Array;
    try {
      ({ payload } = await compactVerify(token, key, { algorithms: [alg] }));
    } catch (err) {
      if (err instanceof errors.JWSSignatureVerificationFailed) {
        throw new InvalidTokenError(
          `signature verification failed with key kid "${kid}" from ${keys.uri}; the token was altered or signed by a different key`,
        );
      }
      throw new InvalidTokenError(`the JWT is malformed: ${err instanceof Error ? err.message : String(err)}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(payload));
    } catch {
      throw new InvalidTokenError('the JWT payload is not JSON');
    }
    const claims = deepFreeze(checkClaims(json, rules, now()));
    const result: VerifiedToken = Object.freeze({
      token,
      clientId: claims.client_id,
      scopes: Object.freeze(parseScopes(claims.scope)),
      subject: claims.sub,
      expiresAt: claims.exp,
      claims,
      act: claims.act,
      actors: Object.freeze(actChain(claims.act)),
    });
    // Valid until exp + tolerance: exactly when a fresh verification would start failing.
    cache.set(token, result, (claims.exp + cfg.clockTolerance) * 1000);
    return result;
  }

  return {
    issuer: cfg.issuer,
    resource: cfg.resource,
    requiredScopes: cfg.scopes,
    async verify(token, verifyOptions) {
      if (typeof token !== 'string' || token === '') throw new MissingTokenError('no access token was provided');
      // The hot path: a repeated token is a Map lookup, an expiry comparison and a scope check.
      const result = cache.get(token, now()) ?? (await verifyFresh(token));
      checkScopes(result, verifyOptions?.requiredScopes);
      return result;
    },
    async warmUp() {
      await (await getJwks()).load();
    },
    clearCache() {
      cache.clear();
    },
  };
}

interface ValidConfig {
  issuer: string;
  resource: string;
  scopes: readonly string[];
  algorithms: readonly string[];
  clockTolerance: number;
  cacheMaxEntries: number;
}

/** Configuration mistakes are programmer errors: fail at construction, loudly. */
function validateOptions(o: ResourceVerifierOptions): ValidConfig {
  const issuer = parseUrl(o.issuer, 'issuer');
  if (issuer.protocol !== 'https:' && issuer.protocol !== 'http:') throw new TypeError(`issuer "${o.issuer}" must be an http(s) URL`);
  if (issuer.search || issuer.hash) throw new TypeError(`issuer "${o.issuer}" must not have a query or fragment (RFC 8414 §2)`);
  const resource = parseUrl(o.resource, 'resource');
  if (resource.hash) throw new TypeError(`resource "${o.resource}" must not have a fragment (RFC 8707 §2)`);

  const algorithms = o.algorithms ?? ['ES256', 'RS256'];
  if (algorithms.length === 0) throw new TypeError('algorithms must not be empty');
  for (const alg of algorithms) {
    if (!ASYMMETRIC.has(alg)) {
      throw new TypeError(`algorithm "${alg}" is not allowed; use asymmetric algorithms such as ES256 or RS256 (never none or HS*)`);
    }
  }
  const clockTolerance = o.clockTolerance ?? 30;
  if (!Number.isFinite(clockTolerance) || clockTolerance < 0) throw new TypeError('clockTolerance must be a non-negative number of seconds');
  const cacheMaxEntries = o.cacheMaxEntries ?? 10_000;
  if (!Number.isInteger(cacheMaxEntries) || cacheMaxEntries < 0) throw new TypeError('cacheMaxEntries must be a non-negative integer');
  for (const s of o.scopes ?? []) {
    if (typeof s !== 'string' || s === '' || /\s/.test(s)) throw new TypeError(`scope ${JSON.stringify(s)} is not a valid scope token`);
  }
  return {
    issuer: o.issuer,
    resource: o.resource,
    scopes: Object.freeze([...new Set(o.scopes ?? [])]),
    algorithms: Object.freeze([...algorithms]),
    clockTolerance,
    cacheMaxEntries,
  };
}

function parseUrl(value: unknown, name: string): URL {
  if (typeof value !== 'string') throw new TypeError(`${name} must be a string URL`);
  try {
    return new URL(value);
  } catch {
    throw new TypeError(`${name} "${value}" is not an absolute URL`);
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
