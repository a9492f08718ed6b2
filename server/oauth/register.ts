/**
 * POST /oauth/register (RFC 7591). Lenient the way real MCP clients need (checklist R3–R9):
 * unsupported grant types are narrowed, odd scopes are tolerated, a missing auth method means
 * a public client, and the response says exactly what was registered. Strict where anyone on
 * the machine could abuse it: DCR creates user-delegated clients only (no client_credentials),
 * redirect URIs follow the one shared rule, and what one registration carries and how many
 * self-registered clients exist are bounded (DCR_LIMITS).
 */
import { GRANT_TYPES } from '../contracts/enums';
import type { RouteTable } from '../http/routes';
import type { Context } from 'koa';
import { z } from 'zod';
import { ApplicationType, AuthMethod, DCR_GRANTS, DCR_LIMITS, redirectUriProblem, type GrantType } from '../contracts';
import { selfRegisteredGrantProblem } from '../domain/clients';
import type { Services } from '../domain/services';
import { AccessDenied, InvalidClientMetadata, InvalidRedirectUriMeta } from '../errors';
import { warn } from '../http/activity';
import { readJson } from '../http/body';
import { noStore } from '../http/guards';
import { epochSeconds } from '../clock';
import { faultStep } from './faults';
import { PATHS } from './paths';

const L = DCR_LIMITS;
const text = (max: number, what: string) => z.string().max(max, `${what} may be at most ${max} characters (limit for dynamic registration)`);
const list = (item: z.ZodString, max: number, what: string) => z.array(item).max(max, `at most ${max} ${what} per registration (limit for dynamic registration)`);

const DcrBody = z
  .object({
    client_name: text(L.client_name_length, 'client_name').optional(),
    redirect_uris: list(text(L.redirect_uri_length, 'a redirect URI'), L.redirect_uris, 'redirect URIs').optional(),
    grant_types: list(text(L.token_length, 'a grant type'), L.grant_types, 'grant types').optional(),
    response_types: list(text(L.token_length, 'a response type'), L.response_types, 'response types').optional(),
    token_endpoint_auth_method: text(L.token_length, 'token_endpoint_auth_method').optional(),
    scope: text(L.scope_length, 'scope').optional(),
    application_type: text(L.token_length, 'application_type').optional(),
  })
  .passthrough();
type DcrBody = z.infer<typeof DcrBody>;

interface Registration {
  body: DcrBody;
  method: AuthMethod;
  grants: GrantType[];
  redirectUris: string[];
  applicationType?: ApplicationType;
}

const SUPPORTED: readonly GrantType[] = GRANT_TYPES;

function parseBody(raw: unknown): DcrBody {
  const parsed = DcrBody.safeParse(raw);
  if (!parsed.success) throw new InvalidClientMetadata(`invalid client metadata: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

function authMethod(ctx: Context, b: DcrBody): AuthMethod {
  const method = b.token_endpoint_auth_method ?? 'none';
  if (!b.token_endpoint_auth_method) warn(ctx, 'dcr_auth_method_defaulted', 'no token_endpoint_auth_method sent; registered as a public client ("none")');
  const parsed = AuthMethod.safeParse(method);
  if (!parsed.success) throw new InvalidClientMetadata(`token_endpoint_auth_method "${method}" is not supported (supported: none, client_secret_basic, client_secret_post)`);
  return parsed.data;
}

/** Unknown grants are narrowed away (Claude registers jwt-bearer); client_credentials is refused. */
function grantTypes(ctx: Context, b: DcrBody): GrantType[] {
  const asked = b.grant_types ?? ['authorization_code', 'refresh_token'];
  const grants = asked.filter((g): g is GrantType => (SUPPORTED as string[]).includes(g));
  const problem = selfRegisteredGrantProblem('dcr', grants);
  if (problem) throw new InvalidClientMetadata(`grant_types: ${problem}`);
  if (grants.length !== asked.length) warn(ctx, 'dcr_grant_types_narrowed', `grant_types narrowed from [${asked.join(', ')}] to [${grants.join(', ')}]`);
  if (grants.length === 0) throw new InvalidClientMetadata(`none of the requested grant_types [${asked.join(', ')}] is supported (supported: ${DCR_GRANTS.join(', ')})`);
  if (b.response_types && !b.response_types.includes('code')) throw new InvalidClientMetadata('response_types must include "code"');
  return grants;
}

function redirectUris(b: DcrBody, method: AuthMethod, grants: GrantType[]): string[] {
  const uris = b.redirect_uris ?? [];
  for (const u of uris) {
    const problem = redirectUriProblem(u);
    if (problem) throw new InvalidRedirectUriMeta(`redirect URI "${u}" is not allowed: ${problem}`);
  }
  if (uris.length === 0 && grants.includes('authorization_code') && method !== 'none') {
    throw new InvalidRedirectUriMeta('redirect_uris is required for a confidential client using authorization_code');
  }
  return uris;
}

/** SEP-837: "native" or "web"; whether the redirect URIs fit it is the client service's one rule. */
function applicationType(b: DcrBody): ApplicationType | undefined {
  if (b.application_type === undefined) return undefined;
  const parsed = ApplicationType.safeParse(b.application_type);
  if (!parsed.success) throw new InvalidClientMetadata(`application_type "${b.application_type}" is not supported (supported: native, web)`);
  return parsed.data;
}

/** Checked right before the (synchronous) in-memory insert, so concurrent registrations cannot overshoot. */
function underCap(s: Services): void {
  const n = s.clients.countSelfRegistered();
  if (n >= L.clients) {
    throw new AccessDenied(
      `registration refused: this server already keeps ${n} self-registered clients, the most it allows (${L.clients}); delete unused ones with \`authserver admin client prune\` (or POST /admin/api/clients/prune), then register again`,
    );
  }
}

function respond(ctx: Context, r: Registration, created: Awaited<ReturnType<Services['clients']['create']>>): void {
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
    ...(r.body.scope !== undefined ? { scope: r.body.scope } : {}),
    ...(created.application_type ? { application_type: created.application_type } : {}),
  };
}

export function mountRegister(router: RouteTable, s: Services): void {
  router.post(PATHS.register, noStore, faultStep(s.faults, 'register'), async (ctx: Context) => {
    const body = parseBody(await readJson(ctx));
    const method = authMethod(ctx, body);
    const grants = grantTypes(ctx, body);
    const r: Registration = { body, method, grants, redirectUris: redirectUris(body, method, grants), applicationType: applicationType(body) };
    if (body.scope) warn(ctx, 'dcr_scope_ignored', `registration scope "${body.scope.slice(0, 200)}" is recorded but not enforced; scopes are checked against the resource at /oauth/authorize`);
    underCap(s);
    const created = await s.clients.create(
      { client_name: body.client_name?.trim() || 'Unnamed client', redirect_uris: r.redirectUris, grant_types: r.grants, token_endpoint_auth_method: r.method, application_type: r.applicationType },
      'dcr',
    );
    respond(ctx, r, created);
  });
}
