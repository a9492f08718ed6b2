/** grant_type=authorization_code (OAuth 2.1 §4.1.3): single-use code, PKCE S256, same redirect_uri and resource. */
import type { HttpContext } from '../../http/context';
import type { Client } from '../../contracts';
import { sha256b64url } from '../../domain/crypto';
import { matchResource, resourceError } from '../../domain/resourceMatch';
import type { Services } from '../../domain/services';
import { InvalidGrant, InvalidRequest, InvalidTarget } from '../../errors';
import { warn } from '../../http/activity';
import type { TokenResponse } from '../../domain/tokens';

export async function authorizationCodeGrant(ctx: HttpContext, s: Services, client: Client, p: Record<string, string>): Promise<TokenResponse> {
  if (!p.code) throw new InvalidRequest('code is required');
  if (!p.code_verifier) {
    warn(ctx, 'pkce_failure', 'token request has no code_verifier');
    throw new InvalidRequest('code_verifier is required (PKCE)');
  }
  const found = s.interactions.consumeCode(p.code);
  if (!found) throw new InvalidGrant('the authorization code is invalid, expired, or was issued by a previous server run');
  const { record, replay } = found;
  // What the flow timeline links this exchange by (the code's prompt) and shows.
  ctx.state.interaction = record.interactionUid;
  ctx.state.sub = record.sub;
  if (record.clientId !== client.client_id) throw new InvalidGrant('the authorization code was issued to another client');
  if (replay) {
    // RFC 6749 §4.1.2: a code used twice is a sign of theft; revoke what the first use produced.
    if (record.familyId) await s.tokens.revokeFamily(record.familyId, 'code_reuse');
    if (record.jti) await s.tokens.revokeJti(record.jti, 'code_reuse');
    throw new InvalidGrant('authorization code has already been used; the tokens issued for it have been revoked');
  }
  if (record.expiresAt <= s.deps.clock.now()) throw new InvalidGrant('the authorization code has expired; codes live ' + (s.resources.get(record.resource)?.code_ttl ?? s.deps.config.codeTtl) + ' s');
  if (p.redirect_uri !== undefined && p.redirect_uri !== record.redirectUri) {
    throw new InvalidGrant(`redirect_uri "${p.redirect_uri}" does not match the one used in the authorization request ("${record.redirectUri}")`);
  }
  if (!/^[A-Za-z0-9._~-]{43,128}$/.test(p.code_verifier)) {
    warn(ctx, 'pkce_failure', 'code_verifier has the wrong length or characters');
    throw new InvalidGrant('PKCE verification failed: code_verifier must be 43-128 characters from [A-Za-z0-9-._~]');
  }
  if (sha256b64url(p.code_verifier) !== record.codeChallenge) {
    warn(ctx, 'pkce_failure', 'BASE64URL(SHA256(code_verifier)) does not equal the code_challenge');
    throw new InvalidGrant('PKCE verification failed: BASE64URL(SHA256(code_verifier)) does not equal the code_challenge of the authorization request');
  }
  const resource = s.resources.get(record.resource);
  if (!resource) throw new InvalidGrant(`resource "${record.resource}" was deleted after the code was issued`);
  if (p.resource !== undefined) {
    const m = matchResource(p.resource, s.resources.list(), { strict: s.deps.config.strict });
    if ('error' in m) throw resourceError(m);
    if (m.resource.slug !== resource.slug) throw new InvalidTarget(`resource "${p.resource}" was not authorized by this grant (it was issued for "${resource.uri}")`);
    if (m.warning) warn(ctx, m.warning.code, m.warning.message);
  }
  const user = s.users.get(record.sub);
  if (!user) throw new InvalidGrant(`user "${record.sub}" no longer exists`);
  const out = await s.tokens.issueForCode({ sub: record.sub, client, resource, scope: record.scope, refresh: record.refresh });
  record.familyId = out.familyId;
  record.jti = out.jti;
  return out.response;
}
