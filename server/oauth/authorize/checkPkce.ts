/** Step 4: PKCE S256 is mandatory for every client, public or confidential (OAuth 2.1 §4.1.1). */
import type { HttpContext } from '../../http/context';
import type { Services } from '../../domain/services';
import { InvalidRequest } from '../../errors';
import { warn } from '../../http/activity';
import type { AuthorizeState } from './state';

export function checkPkce(ctx: HttpContext, a: AuthorizeState, _s: Services): void {
  const challenge = a.params.code_challenge;
  const method = a.params.code_challenge_method;
  if (!challenge) {
    warn(ctx, 'pkce_failure', 'authorization request has no code_challenge');
    throw new InvalidRequest('code_challenge is required: PKCE with S256 is mandatory for every client');
  }
  if (method !== 'S256') {
    warn(ctx, 'pkce_failure', `code_challenge_method "${method ?? '(missing)'}" is not S256`);
    throw new InvalidRequest(method ? `code_challenge_method "${method}" is not supported; use S256` : 'code_challenge_method is required and must be S256 (plain is not supported)');
  }
  if (!/^[A-Za-z0-9_-]{43}$/.test(challenge)) {
    warn(ctx, 'pkce_failure', 'code_challenge is not a base64url SHA-256 digest');
    throw new InvalidRequest('code_challenge must be the 43-character base64url encoding of SHA-256(code_verifier)');
  }
}
