/**
 * A small JWKS cache. jose's createRemoteJWKSet is close but not enough here: its max age is
 * fixed at construction (it cannot follow the AS's `Cache-Control: max-age`), it throws instead
 * of serving the last good key set when a refresh fails, and it reads Date.now() directly so
 * tests cannot drive it with an injected clock. Key *selection* is still jose's
 * (createLocalJWKSet honours kid, alg, kty/crv, `use` and `key_ops`).
 */
import { createLocalJWKSet, errors, type CryptoKey, type JWSHeaderParameters, type LocalJWKSet } from 'jose';
import { InvalidTokenError, JwksUnavailableError } from './errors';
import { describe, fetchJson, type FetchLike } from './fetch-json';

export interface JwksCacheOptions {
  uri: string;
  fetch: FetchLike;
  now: () => number;
  /** Minimum gap between forced refreshes caused by an unknown kid (ms). */
  cooldownMs?: number;
  /** TTL when the JWKS response carries no max-age (ms). */
  defaultTtlMs?: number;
  /** Upper bound on any TTL, so a huge max-age cannot pin retired keys forever (ms). */
  maxTtlMs?: number;
  /** After a failed refresh while holding stale keys, wait this long before retrying (ms). */
  failureBackoffMs?: number;
}

interface KeySet {
  select: LocalJWKSet;
  fetchedAt: number;
  expiresAt: number;
}

const JWKS_MAX_BYTES = 64 * 1024;
const TIMEOUT_MS = 5_000;

export class JwksCache {
  readonly uri: string;
  private readonly fetchImpl: FetchLike;
  private readonly now: () => number;
  private readonly cooldownMs: number;
  private lastKidRefetchAt = -Infinity;
  private readonly defaultTtlMs: number;
  private readonly maxTtlMs: number;
  private readonly failureBackoffMs: number;
  private current: KeySet | undefined;
  private inflight: Promise<KeySet> | undefined;
  private retryNotBefore = 0;

  constructor(opts: JwksCacheOptions) {
    this.uri = opts.uri;
    this.fetchImpl = opts.fetch;
    this.now = opts.now;
    this.cooldownMs = opts.cooldownMs ?? 30_000;
    this.defaultTtlMs = opts.defaultTtlMs ?? 300_000;
    this.maxTtlMs = opts.maxTtlMs ?? 3_600_000;
    this.failureBackoffMs = opts.failureBackoffMs ?? 5_000;
  }

  /** Resolve the verification key for a token header (kid + alg already checked by the caller). */
  async getKey(header: JWSHeaderParameters): Promise<CryptoKey> {
    const keys = await this.usableKeys();
    try {
      return await keys.select(header);
    } catch (err) {
      if (!(err instanceof errors.JWKSNoMatchingKey)) throw this.selectionError(err, header);
    }
    // Unknown kid: most likely the AS rotated keys. Refetch once. The cooldown counts from the last
    // refetch an unknown kid caused, not from any fetch: a key rotated just after a routine fetch
    // is picked up at once, while forged kids still cost at most one fetch per cooldown.
    const now = this.now();
    if (now - this.lastKidRefetchAt < this.cooldownMs || now < this.retryNotBefore) {
      throw new InvalidTokenError(
        `kid "${header.kid}" (alg ${header.alg}) is not in the authorization server's JWKS at ${this.uri}; ` +
          `the key set was fetched ${Math.round((now - keys.fetchedAt) / 1000)} s ago and is refetched on an unknown kid ` +
          `at most every ${this.cooldownMs / 1000} s`,
      );
    }
    let fresh: KeySet;
    this.lastKidRefetchAt = now;
    try {
      fresh = await this.refresh();
    } catch (err) {
      this.retryNotBefore = this.now() + this.failureBackoffMs;
      throw new JwksUnavailableError(
        `kid "${header.kid}" is not in the cached JWKS and refetching ${this.uri} failed: ${describe(err)}`,
        { cause: err },
      );
    }
    try {
      return await fresh.select(header);
    } catch (err) {
      if (err instanceof errors.JWKSNoMatchingKey) {
        throw new InvalidTokenError(
          `kid "${header.kid}" (alg ${header.alg}) is not in the authorization server's JWKS at ${this.uri}, ` +
            'even after refetching it; the token was signed by a key this issuer does not publish ' +
            '(another authorization server, or a deleted key)',
        );
      }
      throw this.selectionError(err, header);
    }
  }

  /** Fetch now (used to warm up). */
  async load(): Promise<void> {
    await this.usableKeys();
  }

  private async usableKeys(): Promise<KeySet> {
    const cur = this.current;
    if (!cur) {
      try {
        return await this.refresh();
      } catch (err) {
        throw new JwksUnavailableError(
          `cannot verify tokens: fetching the authorization server's JWKS from ${this.uri} failed: ${describe(err)}`,
          { cause: err },
        );
      }
    }
    const now = this.now();
    if (now < cur.expiresAt || now < this.retryNotBefore) return cur;
    try {
      return await this.refresh();
    } catch {
      // Serve stale: keys rarely change, and an AS blip should not take every MCP server down.
      // Back off so a dead AS is not hit on every request.
      this.retryNotBefore = this.now() + this.failureBackoffMs;
      return cur;
    }
  }

  /** Single-flight: concurrent callers share one HTTP request. */
  private refresh(): Promise<KeySet> {
    this.inflight ??= this.fetchKeySet().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async fetchKeySet(): Promise<KeySet> {
    const { json, maxAge } = await fetchJson(this.fetchImpl, this.uri, { maxBytes: JWKS_MAX_BYTES, timeoutMs: TIMEOUT_MS });
    let select: LocalJWKSet;
    try {
      select = createLocalJWKSet(json as Parameters<typeof createLocalJWKSet>[0]);
    } catch (err) {
      throw new Error(`the document is not a JWK Set: ${describe(err)}`, { cause: err });
    }
    const fetchedAt = this.now();
    const ttl = Math.min(maxAge === undefined ? this.defaultTtlMs : maxAge * 1000, this.maxTtlMs);
    const set = { select, fetchedAt, expiresAt: fetchedAt + ttl };
    this.current = set;
    this.retryNotBefore = 0;
    return set;
  }

  private selectionError(err: unknown, header: JWSHeaderParameters): InvalidTokenError {
    if (err instanceof errors.JWKSMultipleMatchingKeys) {
      return new InvalidTokenError(`the JWKS at ${this.uri} has several keys matching kid "${header.kid}" and alg ${header.alg}`);
    }
    return new InvalidTokenError(`cannot use the JWKS key for kid "${header.kid}": ${describe(err)}`, { cause: err });
  }
}
