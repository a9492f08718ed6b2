/**
 * grant_type=urn:ietf:params:oauth:grant-type:token-exchange (RFC 8693 §2.1), the product's
 * fronted Mint path: a gateway MCP server, authenticated as its own confidential client, trades
 * the user's access token (`subject_token`, aud = the gateway resource) for one bound to a hidden
 * resource it fronts (`resource`). The fronting link is the operator's consent surrogate: the
 * issued token keeps `sub`, has `aud` = the hidden resource, scopes mapped through the link's
 * scope map, `client_id` = the gateway resource's slug and `act` = {sub: gateway, act: agent}.
 *
 * Refusals as the product: no link → access_denied (403), client not allowed by the target's
 * exchange policy → access_denied, chain too deep → invalid_request, resource not fronted →
 * invalid_target. Every refusal is a `token.exchange_denied` event with the product's reason.
 */
import type { HttpContext } from '../../http/context';
import { actDepth, audiences, mapScopes, MAX_ACT_DEPTH, readAct, sourcesOf, type ActClaim, type Client, type FrontingLink, type Issuance, type Resource } from '../../contracts';
import { TOKEN_EXCHANGE_GRANT } from '../../contracts/enums';
import { matchResource } from '../../domain/resourceMatch';
import { selfRegisteredGrantProblem } from '../../domain/clients';
import type { Services } from '../../domain/services';
import { ACCESS_TOKEN_TYPE, type TokenResponse } from '../../domain/tokens';
import { AccessDenied, InvalidClient, InvalidGrant, InvalidRequest, InvalidScope, InvalidTarget, OAuthError, UnauthorizedClient } from '../../errors';
import { warn } from '../../http/activity';

/** RFC 8693 §3 subject token types the product accepts. */
const SUBJECT_TOKEN_TYPES = [ACCESS_TOKEN_TYPE, 'urn:ietf:params:oauth:token-type:jwt'];

/** The product's fixed messages (domain/errors.go); context is appended after ": ". */
const NOT_AUTHORIZED = 'client is not authorized to exchange this token';
const GRANT_INVALID = 'the authorization grant is invalid, expired, or revoked';
const TARGET_UNAVAILABLE = 'the requested resource target is unavailable';
const CHAIN_TOO_DEEP = 'delegation chain depth exceeds maximum allowed';

/** A refusal and the product's audit reason for it. */
class Denied {
  constructor(
    readonly reason: string,
    readonly error: OAuthError,
  ) {}
}
const deny = (reason: string, error: OAuthError): never => {
  throw new Denied(reason, error);
};

interface Subject {
  jti: string;
  sub: string;
  /** The subject token's `client_id` claim: the agent (or, for a chained exchange, the previous gateway). */
  clientId: string;
  scopes: string[];
  act: ActClaim | undefined;
  row: Issuance;
  source: Resource;
}

export async function tokenExchangeGrant(ctx: HttpContext, s: Services, client: Client, p: Record<string, string>): Promise<TokenResponse> {
  try {
    requireConfidential(client);
    readRequest(p);
    const subject = await verifySubject(s, p.subject_token!);
    requireLiveConsent(s, subject);
    const target = resolveTarget(ctx, s, p.resource!);
    const link = findLink(s, subject.source, target);
    checkExchangePolicy(target, client);
    const scope = mapScope(link, target, subject, p.scope);
    const act = buildAct(subject);
    const { response, row } = await s.tokens.issueExchanged({ sub: subject.sub, client, clientIdClaim: subject.source.slug, resource: target, scope, act, parentJti: subject.jti });
    s.deps.events.emit('token.exchanged', {
      jti: row.jti,
      sub: subject.sub,
      subject_client: subject.clientId,
      actor_client: client.client_id,
      type: 'mint_dispatch',
      resource: target.slug,
      scopes: scope,
      chain_kind: 'fronted',
      via_link: `${link.source}->${link.target}`,
      parent_jti: subject.jti,
    });
    return response;
  } catch (err) {
    const refusal = err instanceof Denied ? err : err instanceof OAuthError ? new Denied(err.error, err) : undefined;
    if (!refusal) throw err;
    s.deps.events.emit('token.exchange_denied', { client_id: client.client_id, reason: refusal.reason, error: refusal.error.error });
    throw refusal.error;
  }
}

/** RFC 8693 §2.1 and the product: only confidential clients exchange, and never self-registered ones. */
function requireConfidential(client: Client): void {
  const selfRegistered = selfRegisteredGrantProblem(client.registration_source, [TOKEN_EXCHANGE_GRANT]);
  if (selfRegistered) deny('unauthorized_client', new UnauthorizedClient(`client "${client.client_id}" is refused: ${selfRegistered}`));
  if (client.token_endpoint_auth_method === 'none') deny('invalid_client', new InvalidClient('client authentication failed: token exchange is only for confidential clients (this client is public)'));
}

function readRequest(p: Record<string, string>): void {
  if (!p.subject_token) deny('invalid_request', new InvalidRequest('subject_token is required'));
  if (!p.subject_token_type) deny('invalid_request', new InvalidRequest(`subject_token_type is required (${ACCESS_TOKEN_TYPE})`));
  if (!SUBJECT_TOKEN_TYPES.includes(p.subject_token_type!)) deny('invalid_request', new InvalidRequest(`subject_token_type "${p.subject_token_type}" is not supported (supported: ${SUBJECT_TOKEN_TYPES.join(', ')})`));
  if (p.requested_token_type !== undefined && p.requested_token_type !== ACCESS_TOKEN_TYPE) deny('invalid_request', new InvalidRequest(`requested_token_type "${p.requested_token_type}" is not supported (only ${ACCESS_TOKEN_TYPE})`));
  if (p.actor_token !== undefined) deny('invalid_request', new InvalidRequest('actor_token is not supported: the gateway is the authenticated client, and the issued token names it in act'));
  if (!p.resource) deny('invalid_request', new InvalidRequest('resource is required: the hidden MCP server the exchanged token is for'));
}

/** The user's token: signed by us, not expired, not revoked, with its issuance row and its resource. */
async function verifySubject(s: Services, token: string): Promise<Subject> {
  const claims = s.tokens.verifyOwn(token);
  if (!claims || typeof claims.jti !== 'string' || typeof claims.sub !== 'string') {
    return deny('invalid_subject_token', new InvalidGrant(`${GRANT_INVALID}: subject_token is not a valid, unexpired access token issued by this server`));
  }
  const row = await s.deps.store.issuances.get(claims.jti);
  if (!row) return deny('invalid_subject_token', new InvalidGrant(`${GRANT_INVALID}: subject_token has no issuance record (test tokens cannot be exchanged)`));
  if (row.revoked_at) return deny('subject_token_revoked', new InvalidGrant(`${GRANT_INVALID}: subject_token was revoked (${row.revoked_reason ?? 'revoked'})`));
  const aud = audiences(claims.aud);
  const source = aud.map((a) => s.resources.get(a)).find((r) => r !== undefined);
  if (!source) return deny('invalid_subject_token', new InvalidGrant(`${GRANT_INVALID}: subject_token audience ${JSON.stringify(aud)} is not a registered resource`));
  const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [];
  return { jti: claims.jti, sub: claims.sub, clientId: String(claims.client_id ?? ''), scopes, act: readAct(claims.act), row, source };
}

/** The user must still consent to the agent at the gateway (the product's per-MCP consent gate). */
function requireLiveConsent(s: Services, subject: Subject): void {
  if (subject.row.grant !== 'authorization_code' && subject.row.grant !== 'refresh_token') return;
  if (!s.consents.find(subject.sub, subject.row.client_id, subject.source.slug)) {
    deny('subject_token_revoked', new InvalidGrant(`${GRANT_INVALID}: the user's consent for client "${subject.row.client_id}" at "${subject.source.slug}" was revoked`));
  }
}

function resolveTarget(ctx: HttpContext, s: Services, resource: string): Resource {
  const m = matchResource(resource, s.resources.list(), { strict: s.deps.config.strict });
  if ('error' in m) return deny('resource_not_found', new InvalidTarget(`${TARGET_UNAVAILABLE}: ${m.error}`));
  if (m.warning) warn(ctx, m.warning.code, m.warning.message);
  if (!s.fronting.list().some((l) => l.target === m.resource.slug)) {
    return deny('resource_not_fronted', new InvalidTarget(`${TARGET_UNAVAILABLE}: resource "${m.resource.slug}" is not fronted by any gateway (declare a link: authserver admin fronting create --source <gateway> --target ${m.resource.slug} --scope-map ...)`));
  }
  return m.resource;
}

function findLink(s: Services, source: Resource, target: Resource): FrontingLink {
  const link = s.fronting.get(source.slug, target.slug);
  if (!link) return deny('fronting_link_missing', new AccessDenied(`${NOT_AUTHORIZED}: no fronting link from "${source.slug}" to "${target.slug}" (see docs/topologies/mcp-gateway-mint.md)`));
  return link;
}

/** The product's operator gate: the target's policy.exchange.allowed_client_ids (empty = any client with the grant). */
function checkExchangePolicy(target: Resource, client: Client): void {
  const allowed = target.policy?.exchange?.allowed_client_ids ?? [];
  if (allowed.length && !allowed.includes(client.client_id)) {
    deny('operator_gate_denied', new AccessDenied(`${NOT_AUTHORIZED}: client "${client.client_id}" is not in the exchange policy of "${target.slug}" (allowed: ${allowed.join(', ')})`));
  }
}

/**
 * The issued scopes, in target terms. Asked for: each must be in the target's catalog and reached
 * by the scope map from a scope the subject token has. Not asked for: every subject scope mapped.
 */
function mapScope(link: FrontingLink, target: Resource, subject: Subject, asked: string | undefined): string {
  const catalog = target.scopes.map((x) => x.name);
  if (asked === undefined || asked.trim() === '') {
    const mapped = mapScopes(link.scope_map, subject.scopes).filter((x) => catalog.includes(x));
    if (mapped.length === 0) deny('fronting_subject_scope_insufficient', new InvalidScope(`the requested scope is invalid or not allowed: no scope of the subject_token (${subject.scopes.join(' ') || 'none'}) maps to "${target.slug}" through the fronting link (scope_map: ${JSON.stringify(link.scope_map)})`));
    return mapped.join(' ');
  }
  const want = [...new Set(asked.split(' ').filter(Boolean))];
  const unknown = want.filter((x) => !catalog.includes(x));
  if (unknown.length) deny('scope_not_in_catalog', new InvalidScope(`the requested scope is invalid or not allowed: scope ${unknown.map((x) => `"${x}"`).join(', ')} not in catalog for resource "${target.slug}"`));
  for (const t of want) {
    const sources = sourcesOf(link.scope_map, t);
    if (sources.length === 0) deny('fronting_scope_unmapped', new InvalidScope(`the requested scope is invalid or not allowed: target scope "${t}" not present in fronting link scope_map (source=${link.source} target=${link.target})`));
    if (!sources.some((x) => subject.scopes.includes(x))) {
      deny('fronting_subject_scope_insufficient', new InvalidScope(`the requested scope is invalid or not allowed: subject_token missing source scope ${sources.map((x) => `"${x}"`).join(' or ')} required by fronting link (source=${link.source} target=${link.target})`));
    }
  }
  return want.join(' ');
}

/** `{sub: gateway, act: <agent, or the subject's own chain>}`; deeper than the product's limit is refused. */
function buildAct(subject: Subject): ActClaim {
  const act: ActClaim = { sub: subject.source.slug, actor_type: 'service', act: subject.act ?? { sub: subject.clientId, actor_type: 'agent' } };
  if (actDepth(act) > MAX_ACT_DEPTH) deny('chain_too_deep', new InvalidRequest(`${CHAIN_TOO_DEEP}: the exchanged token's act chain would be ${actDepth(act)} deep (at most ${MAX_ACT_DEPTH})`));
  return act;
}
