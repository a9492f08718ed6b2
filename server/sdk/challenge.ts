/**
 * RFC 6750 §3 / RFC 9728 §5.1 challenges. The `resource_metadata` parameter is how MCP clients
 * find the authorization server, and `scope` is how they learn what to ask for (and step up
 * on 403), so every 401/403 carries both when known.
 */
import { InsufficientScopeError, MissingTokenError, type ResourceAuthError } from './errors';

export interface ChallengeOptions {
  /** Absolute URL of this resource's PRM document (see prmUrl). */
  resourceMetadataUrl?: string;
  /**
   * Scope to advertise. When omitted, a 403 advertises the token's scopes plus the missing
   * ones, and a 401 advertises none.
   */
  scope?: string | readonly string[];
  /** Optional `realm` parameter (RFC 6750 §3). */
  realm?: string;
}

export interface ChallengeResponse {
  status: 401 | 403 | 503;
  headers: Record<string, string>;
  body: { error: string; error_description: string };
}

/**
 * The `WWW-Authenticate` value for an error. No `error` code when the request carried no
 * credentials (RFC 6750 §3.1), so clients treat it as "authenticate" rather than "bad token".
 *
 * @example
 * ```ts
 * wwwAuthenticate(new InsufficientScopeError(['write'], ['read']), { resourceMetadataUrl: prmUrl(resource) });
 * // Bearer error="insufficient_scope", error_description="token lacks required scope 'write' (…)",
 * //   scope="read write", resource_metadata="http://127.0.0.1:3001/.well-known/oauth-protected-resource/mcp"
 * ```
 */
export function wwwAuthenticate(err: ResourceAuthError, opts: ChallengeOptions = {}): string {
  const params: string[] = [];
  if (opts.realm !== undefined) params.push(`realm="${sanitize(opts.realm)}"`);
  if (!(err instanceof MissingTokenError)) {
    params.push(`error="${err.code}"`, `error_description="${sanitize(err.description)}"`);
  }
  const scope = challengeScope(err, opts.scope);
  if (scope) params.push(`scope="${sanitize(scope)}"`);
  if (opts.resourceMetadataUrl) params.push(`resource_metadata="${sanitize(opts.resourceMetadataUrl)}"`);
  return params.length ? `Bearer ${params.join(', ')}` : 'Bearer';
}

/**
 * Status, headers and JSON body for an error; adapters write these verbatim. 503 errors
 * (AS unreachable) get `Retry-After` instead of a challenge.
 *
 * @example
 * ```ts
 * const { status, headers, body } = challengeResponse(err, { resourceMetadataUrl: prmUrl(resource) });
 * return new Response(JSON.stringify(body), { status, headers });
 * ```
 */
export function challengeResponse(err: ResourceAuthError, opts: ChallengeOptions = {}): ChallengeResponse {
  // The body is for humans and logs; a missing token still says invalid_token there.
  const body = { error: err.code, error_description: err.description };
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' };
  if (err.status === 503) {
    // Not a credentials problem, so no challenge; tell well-behaved clients when to retry.
    headers['Retry-After'] = '5';
  } else {
    headers['WWW-Authenticate'] = wwwAuthenticate(err, opts);
  }
  return { status: err.status, headers, body };
}

function challengeScope(err: ResourceAuthError, scope: ChallengeOptions['scope']): string {
  if (scope !== undefined) return typeof scope === 'string' ? scope : scope.join(' ');
  if (err instanceof InsufficientScopeError) return err.challengeScopes.join(' ');
  return '';
}

/**
 * Header parameter values must be a quoted-string of visible ASCII (RFC 6750 §3 allows
 * %x20-21 / %x23-5B / %x5D-7E). Quotes become apostrophes, backslashes slashes, CR/LF/tab
 * spaces, and anything else outside the range "?"; this also keeps Node from throwing on a
 * header containing a control character.
 */
export function sanitize(value: string): string {
  return value
    .replace(/"/g, "'")
    .replace(/\\/g, '/')
    .replace(/[\r\n\t]/g, ' ')
    .replace(/[^\x20-\x7e]/g, '?');
}
