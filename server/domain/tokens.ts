/**
 * The MintIssuer: RFC 9068 access tokens and rotating refresh tokens. Every access token has an
 * issuance row on disk before the caller sees the token; every refresh token's family row too.
 */
import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import type { ActClaim, Client, GrantType, Issuance, Resource } from '../contracts';
import { TOKEN_EXCHANGE_GRANT } from '../contracts/enums';
import { agentChain } from '../contracts/actChain';
import { epochSeconds, iso } from '../clock';
import { FamilyChanged, InvalidGrant, InvalidScope, InvalidTarget } from '../errors';
import type { RefreshFamily } from '../store/types';
import { randomId, randomToken, sha256hex } from './crypto';
import type { CoreDeps } from './deps';
import type { KeyService } from './keys';
import type { SettingsService } from './settings';
import { createSealer, type Sealer } from './seal';
import { EXCHANGED_TOKEN_TTL, exchangedDescendants } from './exchangeLineage';

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token?: string;
  scope: string;
  /** Token exchange only (RFC 8693 §2.2.1). */
  issued_token_type?: string;
}

/** RFC 8693 §3 token type of an access token (what an exchange takes and issues). */
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/** What an RFC 8693 exchange mints (the steps in oauth/token/tokenExchange.ts decided it). */
export interface ExchangeIssue {
  sub: string;
  /** The authenticated gateway client: the issuance row's client_id. */
  client: Client;
  /** The `client_id` claim: the gateway resource's slug, as the product (its "Option β"). */
  clientIdClaim: string;
  resource: Resource;
  scope: string;
  act: ActClaim;
  parentJti: string;
}

const MAX_FAMILY_JTIS = 64;
/**
 * Consumed refresh-token hashes kept per family for reuse detection. Bounded so a refresh costs
 * the same after the 10th or the 10,000th rotation (the family row is rewritten on each one); a
 * token older than the last 64 rotations is simply unknown: invalid_grant without revoking.
 */
const MAX_CONSUMED = 64;
/** The product's exact text for a reused refresh token (and for every later use of its family). */
export const REUSE_DETECTED = 'token family revoked due to reuse detection';

/** Binds a sealed grace token to its family, the token it was rotated from, and its own hash. */
const sealContext = (familyId: string, fromHash: string, nextHash: string): string => `${familyId}:${fromHash}:${nextHash}`;

/** The scope of a refreshed token: the family's grant, or a subset of it the client asked for. */
function narrowScope(granted: string, asked: string | undefined): string {
  if (asked === undefined) return granted;
  const have = granted.split(' ').filter(Boolean);
  const want = asked.split(' ').filter(Boolean);
  const extra = want.filter((s) => !have.includes(s));
  if (extra.length) throw new InvalidScope(`scope ${extra.map((s) => `"${s}"`).join(', ')} was not granted to this refresh token (granted: "${granted}"); a new authorization is needed for more scopes`);
  return want.length ? want.join(' ') : granted;
}

export class TokenService {
  private readonly sealer: Sealer;

  constructor(
    private readonly d: CoreDeps,
    private readonly keys: KeyService,
    private readonly settings: Pick<SettingsService, 'refreshGraceS'>,
  ) {
    this.sealer = createSealer(d.secret, 'refresh-grace');
  }

  private accessTtl(r: Resource): number {
    return r.access_token_ttl ?? this.d.config.accessTokenTtl;
  }

  private refreshTtl(r: Resource): number {
    return r.refresh_token_ttl ?? this.d.config.refreshTokenTtl;
  }

  /** Signs an at+jwt and builds its issuance row (not yet stored). */
  private mint(p: { sub: string; client: Client; resource: Resource; scope: string; grant: GrantType; familyId?: string; exchange?: Pick<ExchangeIssue, 'clientIdClaim' | 'act' | 'parentJti'> }) {
    const now = this.d.clock.now();
    const iat = epochSeconds(now);
    const ttl = p.exchange ? EXCHANGED_TOKEN_TTL : this.accessTtl(p.resource);
    const jti = randomId();
    const alg = p.resource.signing_alg ?? this.d.config.signingAlg;
    const clientId = p.exchange?.clientIdClaim ?? p.client.client_id;
    const claims = { iss: this.d.config.issuer, sub: p.sub, aud: [p.resource.uri], client_id: clientId, scope: p.scope, jti, iat, nbf: iat, exp: iat + ttl, ...(p.exchange ? { act: p.exchange.act, agent_chain: agentChain(p.exchange.act) } : {}) };
    const { jwt, kid } = this.keys.signJwt(alg, { typ: 'at+jwt' }, claims);
    const row: Issuance = {
      jti,
      sub: p.sub,
      client_id: p.client.client_id,
      resource: p.resource.slug,
      aud: p.resource.uri,
      scope: p.scope,
      grant: p.grant,
      family_id: p.familyId,
      kid,
      ...(p.exchange ? { parent_jti: p.exchange.parentJti, act: p.exchange.act } : {}),
      issued_at: iso(iat * 1000),
      expires_at: iso((iat + ttl) * 1000),
    };
    return { jwt, ttl, row };
  }

  private async record(row: Issuance): Promise<void> {
    await this.d.store.issuances.append(row);
    this.d.events.emit('token.issued', { issuance: row });
  }

  /** The row and its family's new state in one durable append to the token log (`expect`: see FamilyStore.put). */
  private async recordWithFamily(row: Issuance, family: RefreshFamily, expect?: number): Promise<void> {
    await this.d.store.families.put(family, row, { expect });
    this.d.events.emit('token.issued', { issuance: row });
  }

  /**
   * authorization_code: a new family and its first refresh token, written with the issuance row;
   * only for a client registered for the refresh_token grant (SEP-2207), and not when the user
   * declined the offline_access it asked for (`refresh: false`).
   */
  async issueForCode(p: { sub: string; client: Client; resource: Resource; scope: string; refresh?: boolean }): Promise<{ response: TokenResponse; familyId?: string; jti: string }> {
    const withRefresh = p.refresh !== false && p.client.grant_types.includes('refresh_token');
    const familyId = withRefresh ? randomId() : undefined;
    const { jwt, ttl, row } = this.mint({ ...p, grant: 'authorization_code', familyId });
    const response: TokenResponse = { access_token: jwt, token_type: 'Bearer', expires_in: ttl, scope: p.scope };
    if (familyId) {
      const refresh = randomToken(32);
      const now = this.d.clock.now();
      const exp = iso(now + this.refreshTtl(p.resource) * 1000);
      const family: RefreshFamily = {
        id: familyId,
        client_id: p.client.client_id,
        sub: p.sub,
        resource: p.resource.slug,
        aud: p.resource.uri,
        scope: p.scope,
        created_at: iso(now),
        expires_at: exp,
        current: { hash: sha256hex(refresh), issued_at: iso(now), expires_at: exp },
        consumed: [],
        access_jtis: [row.jti],
      };
      await this.recordWithFamily(row, family);
      response.refresh_token = refresh;
    } else {
      await this.record(row);
    }
    return { response, familyId, jti: row.jti };
  }

  /** client_credentials: sub = client_id, no refresh token. */
  async issueForClient(p: { client: Client; resource: Resource; scope: string }): Promise<TokenResponse> {
    const { jwt, ttl, row } = this.mint({ sub: p.client.client_id, client: p.client, resource: p.resource, scope: p.scope, grant: 'client_credentials' });
    await this.record(row);
    return { access_token: jwt, token_type: 'Bearer', expires_in: ttl, scope: p.scope };
  }

  /** RFC 8693 exchange: `act` on the wire, the parent jti on the row (for the revocation cascade), no refresh token. */
  async issueExchanged(p: ExchangeIssue): Promise<{ response: TokenResponse; row: Issuance }> {
    const { jwt, ttl, row } = this.mint({ sub: p.sub, client: p.client, resource: p.resource, scope: p.scope, grant: TOKEN_EXCHANGE_GRANT, exchange: p });
    await this.record(row);
    return { response: { access_token: jwt, issued_token_type: ACCESS_TOKEN_TYPE, token_type: 'Bearer', expires_in: ttl, scope: p.scope }, row };
  }

  /**
   * refresh_token grant with mandatory rotation. Consumption is atomic: the family is read with
   * its generation and the rotated state is put only if no other change was staged since
   * (FamilyStore.put `expect`); a request that lost that race starts again and now presents a
   * consumed token, which is reuse: the whole family and its live access tokens are revoked. So of
   * two concurrent requests with one token exactly one rotates. With an opt-in refresh grace
   * (settings.ts), the token just rotated out may be presented again within the window and gets
   * the same new refresh token (a client whose response was lost can retry) without starting a
   * second branch of the family.
   */
  async refresh(p: { token: string; client: Client; resource: Resource | undefined; scope: string | undefined; resolveResource: (slug: string) => Resource | undefined }): Promise<TokenResponse> {
    for (;;) {
      try {
        return await this.refreshOnce(p);
      } catch (err) {
        if (!(err instanceof FamilyChanged)) throw err;
      }
    }
  }

  private async refreshOnce(p: { token: string; client: Client; resource: Resource | undefined; scope: string | undefined; resolveResource: (slug: string) => Resource | undefined }): Promise<TokenResponse> {
    const hash = sha256hex(p.token);
    const found = await this.d.store.families.readByTokenHash(hash);
    if (!found) throw new InvalidGrant('the refresh token is invalid, expired, or revoked');
    const { family: fam, generation } = found;
    if (fam.client_id !== p.client.client_id) throw new InvalidGrant('the refresh token was issued to another client');
    if (fam.revoked_at) throw new InvalidGrant(fam.revoked_reason === 'reuse_detected' ? REUSE_DETECTED : `token family revoked (${fam.revoked_reason ?? 'revoked'})`);
    const now = this.d.clock.now();
    const retried = fam.current.hash === hash ? undefined : this.graceRetry(fam, hash, now);
    if (fam.current.hash !== hash && retried === undefined) {
      await this.revokeFamily(fam.id, 'reuse_detected');
      throw new InvalidGrant(REUSE_DETECTED);
    }
    const presented = retried === undefined ? fam.current : fam.previous!;
    if (Date.parse(presented.expires_at) <= now) throw new InvalidGrant('the refresh token has expired; start a new authorization');
    const resource = p.resolveResource(fam.resource);
    if (!resource) throw new InvalidGrant(`resource "${fam.resource}" of this grant no longer exists`);
    if (p.resource && p.resource.slug !== resource.slug) {
      throw new InvalidTarget(`resource "${p.resource.uri}" was not authorized by this grant (it was issued for "${resource.uri}")`);
    }
    const scope = narrowScope(fam.scope, p.scope);
    const { jwt, ttl, row } = this.mint({ sub: fam.sub, client: p.client, resource, scope, grant: 'refresh_token', familyId: fam.id });
    const access_jtis = [...fam.access_jtis, row.jti].slice(-MAX_FAMILY_JTIS);
    if (retried !== undefined) {
      // Same refresh token again, nothing rotates: only the new access token joins the family.
      await this.recordWithFamily(row, { ...fam, access_jtis }, generation);
      return { access_token: jwt, token_type: 'Bearer', expires_in: ttl, refresh_token: retried, scope };
    }
    const next = randomToken(32);
    const exp = iso(now + this.refreshTtl(resource) * 1000);
    // Read at each rotation: the window or the admin API may have changed it since start.
    const grace = this.settings.refreshGraceS;
    const nextHash = sha256hex(next);
    const rotated: RefreshFamily = {
      ...fam,
      expires_at: exp,
      current: { hash: nextHash, issued_at: iso(now), expires_at: exp },
      previous: {
        ...fam.current,
        consumed_at: iso(now),
        grace_until: iso(now + grace * 1000),
        ...(grace > 0 ? { sealed_next: this.sealer.seal(next, sealContext(fam.id, hash, nextHash)) } : {}),
      },
      consumed: [...fam.consumed, ...(fam.previous ? [fam.previous.hash] : [])].slice(-MAX_CONSUMED),
      access_jtis,
    };
    try {
      await this.recordWithFamily(row, rotated, generation);
    } catch (err) {
      if (err instanceof FamilyChanged) throw err;
      // The client gets a 503 ("nothing was issued") and keeps the token it presented, so a
      // rotation that did land is undone; otherwise its retry would be reuse and revoke the family.
      // A revocation staged meanwhile (a concurrent reuse) stands.
      await this.updateFamily(fam.id, (now2) => (now2.current.hash === nextHash && !now2.revoked_at ? fam : undefined)).catch((e: Error) =>
        this.d.log.warn(`could not undo the rotation of refresh family ${fam.id} after a failed save: ${e.message}`),
      );
      throw err;
    }
    return { access_token: jwt, token_type: 'Bearer', expires_in: ttl, refresh_token: next, scope };
  }

  /**
   * Puts `change(latest)` of a family (nothing when it returns undefined), read again and decided
   * again whenever another change was staged in between. Returns the state it changed, if any.
   */
  private async updateFamily(id: string, change: (fam: RefreshFamily) => RefreshFamily | undefined): Promise<RefreshFamily | undefined> {
    for (;;) {
      const found = await this.d.store.families.read(id);
      const next = found && change(found.family);
      if (!found || !next) return undefined;
      try {
        await this.d.store.families.put(next, undefined, { expect: found.generation });
        return found.family;
      } catch (err) {
        if (!(err instanceof FamilyChanged)) throw err;
      }
    }
  }

  /** The refresh token a retry within the grace window gets again, or undefined (then it is reuse). */
  private graceRetry(fam: RefreshFamily, hash: string, now: number): string | undefined {
    const prev = fam.previous;
    if (!prev || prev.hash !== hash || !prev.sealed_next || Date.parse(prev.grace_until) <= now) return undefined;
    return this.sealer.open(prev.sealed_next, sealContext(fam.id, hash, fam.current.hash));
  }

  async revokeFamily(id: string, reason: string): Promise<void> {
    const at = iso(this.d.clock.now());
    // The sealed grace token goes with the family: nothing can ever redeem it again.
    const fam = await this.updateFamily(id, (f) => (f.revoked_at ? undefined : { ...f, previous: f.previous && { ...f.previous, sealed_next: undefined }, revoked_at: at, revoked_reason: reason }));
    if (!fam) return;
    await Promise.all(fam.access_jtis.map((jti) => this.d.store.issuances.revoke(jti, at, reason)));
    this.d.events.emit('family.revoked', { family_id: id, reason });
    for (const jti of fam.access_jtis) this.d.events.emit('token.revoked', { jti, reason });
    await this.revokeExchangedFrom(fam.access_jtis, reason);
  }

  /**
   * Revokes a user's live access tokens for one client and resource, and what was exchanged from
   * them: consent revocation reaches tokens outside any refresh family too (the product's
   * "the client's live Mint issuances for that resource").
   */
  async revokeLive(match: { client_id: string; sub: string; resource: string }, reason: string): Promise<void> {
    const now = this.d.clock.now();
    const jtis: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.d.store.issuances.list({ client: match.client_id, sub: match.sub, resource: match.resource, state: 'active', now, limit: 5000, cursor });
      jtis.push(...page.rows.map((r) => r.jti));
      cursor = page.next_cursor;
    } while (cursor);
    await Promise.all(jtis.map((jti) => this.d.store.issuances.revoke(jti, iso(now), reason)));
    for (const jti of jtis) this.d.events.emit('token.revoked', { jti, reason });
    await this.revokeExchangedFrom(jtis, reason);
  }

  /** Revokes every live token exchanged from these, at any depth (the product's cascade). */
  async revokeExchangedFrom(jtis: string[], reason: string): Promise<string[]> {
    const now = this.d.clock.now();
    const descendants = await exchangedDescendants(this.d.store, jtis, now);
    await Promise.all(descendants.map((jti) => this.d.store.issuances.revoke(jti, iso(now), reason)));
    for (const jti of descendants) this.d.events.emit('token.revoked', { jti, reason });
    return descendants;
  }

  async revokeJti(jti: string, reason: string): Promise<Issuance | undefined> {
    const row = await this.d.store.issuances.revoke(jti, iso(this.d.clock.now()), reason);
    if (row) this.d.events.emit('token.revoked', { jti, reason });
    return row;
  }

  /** Finds the family of an opaque refresh token (for /oauth/revoke). */
  familyOf(token: string): Promise<RefreshFamily | undefined> {
    return this.d.store.families.findByTokenHash(sha256hex(token));
  }

  /**
   * Verifies a JWT this server issued (signature with a published key, iss, typ, exp) for
   * introspection and revocation. Returns the claims or undefined; never throws on bad input.
   */
  verifyOwn(token: string): Record<string, unknown> | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    try {
      const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as Record<string, unknown>;
      if (header.typ !== 'at+jwt' || (header.alg !== 'ES256' && header.alg !== 'RS256')) return undefined;
      const key = this.keys.published().find((k) => k.kid === header.kid && k.alg === header.alg);
      if (!key) return undefined;
      const pub = createPublicKey({ key: key.public_jwk as never, format: 'jwk' });
      const data = Buffer.from(`${parts[0]}.${parts[1]}`);
      const sig = Buffer.from(parts[2]!, 'base64url');
      const ok = header.alg === 'ES256' ? cryptoVerify('sha256', data, { key: pub, dsaEncoding: 'ieee-p1363' }, sig) : cryptoVerify('sha256', data, pub, sig);
      if (!ok) return undefined;
      const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
      if (claims.iss !== this.d.config.issuer) return undefined;
      const nowS = epochSeconds(this.d.clock.now());
      if (typeof claims.exp !== 'number' || claims.exp <= nowS - 30) return undefined;
      if (typeof claims.nbf === 'number' && claims.nbf > nowS + 30) return undefined;
      return claims;
    } catch {
      return undefined;
    }
  }
}
