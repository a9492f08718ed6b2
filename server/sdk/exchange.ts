/**
 * The gateway side of the mcp-gateway-mint topology: trade the user's access token (the one
 * the agent sent to this gateway) for one bound to a hidden MCP server, with RFC 8693 token
 * exchange. The gateway authenticates as its own confidential client (HTTP Basic).
 */
import { boundedFetch, BoundedFetchError, describeError, type FetchLike } from '../net/boundedFetch';
import { isRecord, discoverAuthorizationServer } from './metadata';

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

export interface ExchangeTokenOptions {
  /** The AS issuer, exactly as in its metadata (the token endpoint is discovered from it). */
  issuer: string;
  /** The gateway's own confidential client. */
  clientId: string;
  clientSecret: string;
  /** The user's access token, as the agent presented it to the gateway. */
  subjectToken: string;
  /** The hidden MCP server's resource URI (or slug). */
  resource: string;
  /** Target-side scopes to ask for; default: every subject scope mapped through the fronting link. */
  scope?: string;
  /** Skip discovery and post here. */
  tokenEndpoint?: string;
  fetch?: FetchLike;
  /** Default 10 s. */
  timeoutMs?: number;
}

export interface ExchangedToken {
  access_token: string;
  issued_token_type: string;
  token_type: string;
  expires_in: number;
  scope?: string;
}

/**
 * The AS refused the exchange: `error` and `errorDescription` are its words (e.g. `access_denied`
 * "client is not authorized to exchange this token: no fronting link ..."), `status` its HTTP status.
 */
export class TokenExchangeError extends Error {
  override readonly name = 'TokenExchangeError';
  constructor(
    readonly error: string,
    readonly errorDescription: string,
    readonly status: number,
  ) {
    super(`token exchange refused (HTTP ${status} ${error}): ${errorDescription}`);
  }
}

/**
 * @example in a gateway tool handler
 * ```ts
 * const hidden = await exchangeToken({ issuer, clientId, clientSecret, subjectToken: extra.authInfo.token, resource: 'http://127.0.0.1:3002/mcp' });
 * // call the hidden MCP server with `Authorization: Bearer ${hidden.access_token}`
 * ```
 */
export async function exchangeToken(o: ExchangeTokenOptions): Promise<ExchangedToken> {
  const fetchImpl = o.fetch ?? ((input: string, init?: RequestInit) => fetch(input, init));
  const endpoint = o.tokenEndpoint ?? (await discoverAuthorizationServer(o.issuer, fetchImpl)).tokenEndpoint;
  if (!endpoint) throw new Error(`the authorization server "${o.issuer}" publishes no token_endpoint`);
  const form = new URLSearchParams({ grant_type: TOKEN_EXCHANGE_GRANT, subject_token: o.subjectToken, subject_token_type: ACCESS_TOKEN_TYPE, requested_token_type: ACCESS_TOKEN_TYPE, resource: o.resource });
  if (o.scope !== undefined) form.set('scope', o.scope);
  // RFC 6749 §2.3.1: id and secret are form-urlencoded before base64.
  const basic = Buffer.from(`${formEncode(o.clientId)}:${formEncode(o.clientSecret)}`).toString('base64');
  let res;
  try {
    res = await boundedFetch(endpoint, { fetch: fetchImpl, method: 'POST', maxBytes: 64 * 1024, timeoutMs: o.timeoutMs ?? 10_000, headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
  } catch (err) {
    throw new Error(`token exchange at ${endpoint} failed: ${err instanceof BoundedFetchError ? err.message : describeError(err)}`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(res.text);
  } catch {
    throw new Error(`token exchange at ${endpoint} answered HTTP ${res.status} without JSON`);
  }
  if (res.status !== 200) {
    const body = isRecord(json) ? json : {};
    throw new TokenExchangeError(String(body.error ?? 'invalid_response'), String(body.error_description ?? ''), res.status);
  }
  if (!isRecord(json) || typeof json.access_token !== 'string' || typeof json.issued_token_type !== 'string') {
    throw new Error(`token exchange at ${endpoint} answered without access_token and issued_token_type (RFC 8693 §2.2.1)`);
  }
  return json as unknown as ExchangedToken;
}

const formEncode = (v: string) => encodeURIComponent(v).replace(/%20/g, '+');
