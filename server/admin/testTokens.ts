/**
 * POST /admin/api/tokens/mint-test — TEST-ONLY tokens that a correct MCP server must refuse,
 * for `authserver doctor` (and the desktop window's check). Admin-authenticated like every
 * admin route.
 *
 * Each token is a real at+jwt signed with the resource's current key, with the right `iss`,
 * `typ`, `kid` and scopes, so exactly one thing is wrong:
 * - `expired`: `exp` one hour ago (issued one lifetime before that). It authorizes nothing.
 * - `wrong_audience`: `aud` is a URI on the resource's origin that no registered resource has,
 *   as a token minted for another MCP server would be. It lives 60 seconds.
 *
 * They are not grants: no issuance row, no refresh family, no consent. A token whose `aud` is
 * no registered resource, or that has already expired, cannot be used against any resource
 * AuthPlane protects, which is why they may skip the issuance log.
 */
import type Router from '@koa/router';
import { epochSeconds } from '../clock';
import { MintTestTokenInput, type MintTestTokenResult } from '../contracts/doctor';
import { randomId } from '../domain/crypto';
import { parseOrThrow } from '../domain/parse';
import type { Services } from '../domain/services';
import { InvalidRequest } from '../errors';
import { jsonBody } from './http';
import { noQuery } from './query';

const EXPIRED_AGO_S = 3600;
const WRONG_AUD_TTL_S = 60;

const normalize = (uri: string): string => {
  try {
    const u = new URL(uri);
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}${u.search}`;
  } catch {
    return uri;
  }
};

export function mintTestToken(s: Services, input: unknown): MintTestTokenResult {
  const req = parseOrThrow(MintTestTokenInput, input);
  const resource = s.resources.require(req.resource);
  const { config, clock, log } = s.deps;
  const now = epochSeconds(clock.now());
  const ttl = resource.access_token_ttl ?? config.accessTokenTtl;
  let aud = resource.uri;
  let iat = now;
  let exp = now + WRONG_AUD_TTL_S;
  if (req.kind === 'expired') {
    exp = now - EXPIRED_AGO_S;
    iat = exp - ttl;
  } else {
    let origin: string;
    try {
      origin = new URL(resource.uri).origin;
    } catch {
      throw new InvalidRequest(`resource "${resource.slug}" has no http(s) origin to derive a wrong audience from`);
    }
    aud = `${origin}/authplane-test-wrong-audience-${randomId().slice(0, 8)}`;
    const registered = new Set(s.resources.list().map((r) => normalize(r.uri)));
    if (registered.has(normalize(aud))) throw new InvalidRequest('could not pick an unregistered audience; try again');
  }
  const claims = {
    iss: config.issuer,
    sub: config.user,
    // A one-element array, as every AuthPlane access token carries it.
    aud: [aud],
    client_id: req.client_id ?? 'authplane-doctor',
    scope: resource.scopes.map((x) => x.name).join(' '),
    jti: `test-${randomId()}`,
    iat,
    nbf: iat,
    exp,
  };
  const { jwt } = s.keys.signJwt(resource.signing_alg ?? config.signingAlg, { typ: 'at+jwt' }, claims);
  log.info(`minted a test-only ${req.kind} token for resource "${resource.slug}" (aud ${aud}); it is not a grant and is not in the issuance log`);
  return { access_token: jwt, token_type: 'Bearer', kind: req.kind, aud, exp, test_only: true };
}

export function testTokenRoutes(router: Router, s: Services): void {
  router.post('/tokens/mint-test', noQuery, async (ctx) => {
    ctx.body = mintTestToken(s, await jsonBody(ctx));
  });
}
