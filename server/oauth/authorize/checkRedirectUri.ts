/**
 * Step 2: where the answer goes. Exact match, except the loopback port (RFC 8252 §7.3); a
 * public client with no registered URIs may use any loopback redirect. A mismatch, or a URI the
 * shared rule refuses (a fragment, a browser-owned scheme), is a page, never a redirect
 * (open-redirect guard): the rule is re-checked here for clients stored before it existed.
 */
import type { HttpContext } from '../../http/context';
import { redirectUriProblem } from '../../contracts';
import { memoByString } from '../../memo';
import { redirectAllowed } from '../../domain/redirectUris';
import type { Services } from '../../domain/services';
import { PageError } from '../../errors';
import { warn } from '../../http/activity';
import type { AuthorizeState } from './state';

/** Asked on every authorization for the same few URIs: the verdict is remembered. */
const problemOf = memoByString((uri) => redirectUriProblem(uri), 256);

export function checkRedirectUri(ctx: HttpContext, a: AuthorizeState, _s: Services): void {
  const client = a.client!;
  let uri = a.params.redirect_uri;
  if (!uri) {
    // RFC 6749 §3.1.2.3: optional only when exactly one URI is registered.
    if (client.redirect_uris.length === 1) uri = client.redirect_uris[0]!;
    else throw new PageError('invalid_request', 'Invalid Redirect URI', 'redirect_uri is missing and the client does not have exactly one registered redirect URI');
  }
  const problem = problemOf(uri);
  if (problem) {
    warn(ctx, 'redirect_mismatch', `redirect_uri "${uri}" is refused for client "${client.client_id}": ${problem}`);
    throw new PageError('invalid_request', 'Invalid Redirect URI', `redirect_uri "${uri}" is not allowed: ${problem}`);
  }
  if (!redirectAllowed(uri, client.redirect_uris, client.token_endpoint_auth_method === 'none')) {
    const registered = client.redirect_uris.length ? client.redirect_uris.map((u) => `"${u}"`).join(', ') : 'none (only loopback redirects are allowed for this public client)';
    warn(ctx, 'redirect_mismatch', `redirect_uri "${uri}" is not registered for client "${client.client_id}"`);
    throw new PageError('invalid_request', 'Invalid Redirect URI', `redirect_uri "${uri}" does not match the client's registration (registered: ${registered}). Only the port of a loopback redirect may differ.`);
  }
  a.redirectUri = uri;
  a.redirectable = true;
}
