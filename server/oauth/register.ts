/**
 * POST /oauth/register (RFC 7591). Lenient the way real MCP clients need (checklist R3–R9):
 * unsupported grant types are narrowed, odd scopes are tolerated, a missing auth method means
 * a public client, and the response says exactly what was registered.
 */
import { GRANT_TYPES } from '../contracts/enums';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { AuthMethod, RedirectUri, type GrantType } from '../contracts';
import type { Services } from '../domain/services';
import { InvalidClientMetadata, OAuthError } from '../errors';
import { warn } from '../http/activity';
import { readJson } from '../http/body';
import { noStore } from '../http/guards';
import { epochSeconds } from '../clock';
import { PATHS } from './paths';

const DcrBody = z.object({
  client_name: z.string().max(255).optional(),
  redirect_uris: z.array(z.string()).max(20).optional(),
  grant_types: z.array(z.string()).max(20).optional(),
  response_types: z.array(z.string()).max(10).optional(),
  token_endpoint_auth_method: z.string().max(64).optional(),
  scope: z.string().max(2000).optional(),
  application_type: z.string().max(32).optional(),
}).passthrough();

const SUPPORTED: readonly GrantType[] = GRANT_TYPES;

export function mountRegister(router: Router, s: Services): void {
  router.post(PATHS.register, noStore, async (ctx: Context) => {
    const raw = await readJson(ctx);
    const parsed = DcrBody.safeParse(raw);
    if (!parsed.success) throw new InvalidClientMetadata(`invalid client metadata: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`);
    const b = parsed.data;

    const method = b.token_endpoint_auth_method ?? 'none';
    if (!b.token_endpoint_auth_method) warn(ctx, 'dcr_auth_method_defaulted', 'no token_endpoint_auth_method sent; registered as a public client ("none")');
    if (!AuthMethod.safeParse(method).success) {
      throw new InvalidClientMetadata(`token_endpoint_auth_method "${method}" is not supported (supported: none, client_secret_basic, client_secret_post)`);
    }
    const askedGrants = b.grant_types ?? ['authorization_code', 'refresh_token'];
    let grants = askedGrants.filter((g): g is GrantType => (SUPPORTED as string[]).includes(g));
    if (method === 'none') grants = grants.filter((g) => g !== 'client_credentials');
    if (grants.length !== askedGrants.length) warn(ctx, 'dcr_grant_types_narrowed', `grant_types narrowed from [${askedGrants.join(', ')}] to [${grants.join(', ')}]`);
    if (grants.length === 0) throw new InvalidClientMetadata(`none of the requested grant_types [${askedGrants.join(', ')}] is supported (supported: ${SUPPORTED.join(', ')})`);
    if (b.response_types && !b.response_types.includes('code')) throw new InvalidClientMetadata('response_types must include "code"');

    const redirectUris = b.redirect_uris ?? [];
    for (const u of redirectUris) {
      if (!RedirectUri.safeParse(u).success) {
        throw new OAuthError('invalid_redirect_uri', `redirect URI "${u}" is not allowed: use https, http on a loopback host (localhost, 127.0.0.1, [::1]) or a private-use scheme, without a fragment`);
      }
    }
    if (redirectUris.length === 0 && grants.includes('authorization_code') && method !== 'none') {
      throw new OAuthError('invalid_redirect_uri', 'redirect_uris is required for a confidential client using authorization_code');
    }
    if (b.scope) warn(ctx, 'dcr_scope_ignored', `registration scope "${b.scope.slice(0, 200)}" is recorded but not enforced; scopes are checked against the resource at /oauth/authorize`);

    const created = await s.clients.create(
      { client_name: b.client_name?.trim() || 'Unnamed client', redirect_uris: redirectUris, grant_types: grants, token_endpoint_auth_method: method },
      'dcr',
      b.application_type === 'native' || b.application_type === 'web' ? { application_type: b.application_type } : {},
    );
    ctx.state.clientId = created.client_id;
    ctx.status = 201;
    ctx.body = {
      client_id: created.client_id,
      client_id_issued_at: epochSeconds(Date.parse(created.created_at)),
      ...(created.client_secret ? { client_secret: created.client_secret, client_secret_expires_at: 0 } : {}),
      client_name: created.client_name,
      redirect_uris: created.redirect_uris,
      grant_types: created.grant_types,
      response_types: ['code'],
      token_endpoint_auth_method: created.token_endpoint_auth_method,
      ...(b.scope !== undefined ? { scope: b.scope } : {}),
      ...(created.application_type ? { application_type: created.application_type } : {}),
    };
  });
}
