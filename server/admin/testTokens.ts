/**
 * Test tokens: real at+jwt for a registered resource with chosen defects, for exercising an MCP
 * server's refusal paths. Admin-authenticated like every admin route.
 *
 * - POST /admin/api/tokens — the general minter (`authserver admin token mint`, the window's
 *   test-token panel): expired, not yet valid, another audience, chosen scopes, custom claims,
 *   or signed by a key that is not in the JWKS.
 * - POST /admin/api/tokens/mint-test — the two tokens `authserver doctor` needs, built on the
 *   general minter: `expired` (exp an hour ago) and `wrong_audience` (an unregistered URI on the
 *   resource's origin, living 60 seconds).
 *
 * They are not grants: no issuance row, no refresh family, no consent, and they cannot be
 * revoked. That is acceptable because only the admin (who could issue real tokens anyway) can
 * mint them, a valid one lives at most a day, and each mint is a `token.test_minted` event in
 * the audit trail.
 */
import type { Routes } from '../http/routes';
import { epochSeconds } from '../clock';
import { MintTestTokenInput, type MintTestTokenResult } from '../contracts/doctor';
import { MAX_TEST_TOKEN_TTL_S, MintTokenInput, type MintTokenResult } from '../contracts/testTokens';
import { randomId } from '../domain/crypto';
import { parseOrThrow } from '../domain/parse';
import type { Services } from '../domain/services';
import { InvalidRequest } from '../errors';
import { jsonBody } from './http';
import { noQuery } from './query';

const EXPIRED_AGO_S = 3600;
const WRONG_AUD_TTL_S = 60;
const DEFAULT_CLIENT_ID = 'authplane-test-token';

const normalize = (uri: string): string => {
  try {
    const u = new URL(uri);
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}${u.search}`;
  } catch {
    return uri;
  }
};

/** iat, nbf and exp for the chosen validity window. */
function validity(now: number, ttl: number, req: MintTokenInput): { iat: number; nbf: number; exp: number } {
  if (req.expired) {
    const exp = now - EXPIRED_AGO_S;
    return { iat: exp - ttl, nbf: exp - ttl, exp };
  }
  const nbf = now + (req.not_before ?? 0);
  return { iat: now, nbf, exp: nbf + ttl };
}

export function mintToken(s: Services, input: unknown): MintTokenResult {
  const req = parseOrThrow(MintTokenInput, input);
  const resource = s.resources.require(req.resource);
  const { config, clock, log } = s.deps;
  const ttl = req.expires_in ?? Math.min(resource.access_token_ttl ?? config.accessTokenTtl, MAX_TEST_TOKEN_TTL_S);
  const times = validity(epochSeconds(clock.now()), ttl, req);
  const aud = req.aud ?? resource.uri;
  const scope = req.scope ?? resource.scopes.map((x) => x.name).join(' ');
  const claims = {
    ...req.claims,
    iss: config.issuer,
    sub: req.sub ?? config.user,
    // A one-element array, as every AuthPlane access token carries it.
    aud: [aud],
    client_id: req.client_id ?? DEFAULT_CLIENT_ID,
    scope,
    jti: `test-${randomId()}`,
    ...times,
  };
  const alg = resource.signing_alg ?? config.signingAlg;
  const sign = req.unknown_key ? s.keys.signWithUnpublishedKey.bind(s.keys) : s.keys.signJwt.bind(s.keys);
  const { jwt, kid } = sign(alg, { typ: 'at+jwt' }, claims);
  s.deps.events.emit('token.test_minted', { jti: claims.jti, resource: resource.slug, sub: claims.sub, client_id: claims.client_id, aud, kid, exp: times.exp, unknown_key: !!req.unknown_key });
  log.info(`minted a test token for resource "${resource.slug}" (aud ${aud}, kid ${kid}); it is not a grant and is not in the issuance log`);
  return { access_token: jwt, token_type: 'Bearer', kid, aud, scope, ...times, unknown_key: !!req.unknown_key, test_only: true };
}

/** A URI on the resource's origin that no registered resource has, as another MCP server's would be. */
function unregisteredAudience(s: Services, resourceUri: string, slug: string): string {
  let origin: string;
  try {
    origin = new URL(resourceUri).origin;
  } catch {
    throw new InvalidRequest(`resource "${slug}" has no http(s) origin to derive a wrong audience from`);
  }
  const aud = `${origin}/authplane-test-wrong-audience-${randomId().slice(0, 8)}`;
  const registered = new Set(s.resources.list().map((r) => normalize(r.uri)));
  if (registered.has(normalize(aud))) throw new InvalidRequest('could not pick an unregistered audience; try again');
  return aud;
}

/** The doctor's two tokens. */
export function mintTestToken(s: Services, input: unknown): MintTestTokenResult {
  const req = parseOrThrow(MintTestTokenInput, input);
  const resource = s.resources.require(req.resource);
  const client_id = req.client_id ?? 'authplane-doctor';
  const defect = req.kind === 'expired' ? { expired: true } : { aud: unregisteredAudience(s, resource.uri, resource.slug), expires_in: WRONG_AUD_TTL_S };
  const m = mintToken(s, { resource: resource.slug, client_id, ...defect });
  return { access_token: m.access_token, token_type: 'Bearer', kind: req.kind, aud: m.aud, exp: m.exp, test_only: true };
}

export function testTokenRoutes(router: Routes, s: Services): void {
  router.post('/tokens', noQuery, async (ctx) => {
    ctx.body = mintToken(s, await jsonBody(ctx));
  });
  router.post('/tokens/mint-test', noQuery, async (ctx) => {
    ctx.body = mintTestToken(s, await jsonBody(ctx));
  });
}
