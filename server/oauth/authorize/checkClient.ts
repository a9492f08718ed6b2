/**
 * Step 1: who is asking. Unknown clients never get a redirect (the redirect_uri is not trusted
 * yet). A JSON caller (mcp-remote probes this way) gets `invalid_client` with the registration
 * endpoint, so it can register and retry on its own.
 */
import type { HttpContext } from '../../http/context';
import type { Services } from '../../domain/services';
import { OAuthError, PageError } from '../../errors';
import { isCimdClientId, resolveCimdClient } from '../cimd';
import { PATHS } from '../paths';
import { warn } from '../../http/activity';
import type { AuthorizeState } from './state';

export async function checkClient(ctx: HttpContext, a: AuthorizeState, s: Services): Promise<void> {
  const id = a.params.client_id;
  if (!id) throw new PageError('invalid_request', 'Invalid Request', 'client_id is missing from the authorization request');
  ctx.state.clientId = id;
  const existing = s.clients.get(id);
  // A URL-shaped client_id is a metadata document, unless an admin or DCR registered that id.
  // With metadata documents off (serve --no-cimd) one already stored is used as it is, never fetched.
  const cimd = s.deps.config.cimd && isCimdClientId(id);
  const client = cimd && (!existing || existing.registration_source === 'cimd') ? await resolveCimdClient(s, id, (f) => (ctx.state.cimdFetch = f)) : existing;
  if (!client) {
    warn(ctx, 'client_unknown', `client_id "${id}" is not registered`);
    const msg = isCimdClientId(id)
      ? `Client ID '${id}' is a Client ID Metadata Document URL, but this server does not fetch metadata documents (serve --no-cimd); the client should register with POST ${PATHS.register} (dynamic registration), or be pre-registered with \`authserver admin client create\``
      : `Client ID '${id}' is not registered; register it with POST ${PATHS.register} (dynamic registration) or \`authserver admin client create\``;
    const accept = ctx.get('accept');
    if (accept.includes('application/json') && !accept.includes('text/html')) {
      const e = new OAuthError('invalid_client', msg, 400);
      e.allowRedirect = false;
      e.extra.registration_endpoint = s.deps.config.issuer + PATHS.register;
      throw e;
    }
    throw new PageError('invalid_client', 'Invalid Client', msg);
  }
  if (client.status !== 'active') throw new PageError('invalid_client', 'Client Suspended', `client "${client.client_name}" is suspended`, 403);
  a.client = client;
}
