/**
 * RFC 8414 discovery: find the AS's `jwks_uri`, after proving the metadata belongs to the
 * issuer we were configured with. The issuer check is what stops a misconfigured (or
 * spoofed) metadata document from handing us someone else's keys.
 */
import { MetadataError } from './errors';
import { describe, fetchJson, type FetchLike } from './fetch-json';

const METADATA_MAX_BYTES = 128 * 1024;
const TIMEOUT_MS = 5_000;

export interface AuthorizationServerInfo {
  issuer: string;
  jwksUri: string;
  metadataUrl: string;
  /** RFC 8414 `token_endpoint` (for a gateway's token exchange), when the metadata has a usable one. */
  tokenEndpoint?: string;
}

/**
 * `<origin>/.well-known/oauth-authorization-server<issuer path>` (RFC 8414 §3.1: the
 * well-known segment is inserted between host and path, and a lone "/" path is dropped).
 */
export function metadataUrlFor(issuer: string): string {
  const u = new URL(issuer);
  const path = u.pathname === '/' ? '' : u.pathname.replace(/\/$/, '');
  return `${u.origin}/.well-known/oauth-authorization-server${path}`;
}

export async function discoverAuthorizationServer(issuer: string, fetchImpl: FetchLike): Promise<AuthorizationServerInfo> {
  const metadataUrl = metadataUrlFor(issuer);
  let json: unknown;
  try {
    ({ json } = await fetchJson(fetchImpl, metadataUrl, { maxBytes: METADATA_MAX_BYTES, timeoutMs: TIMEOUT_MS }));
  } catch (err) {
    throw new MetadataError(
      `could not load authorization server metadata for issuer "${issuer}": ${describe(err)}; ` +
        'is the authorization server running and reachable from this resource server?',
      { cause: err },
    );
  }
  if (!isRecord(json)) throw new MetadataError(`authorization server metadata at ${metadataUrl} is not a JSON object`);

  if (json.issuer !== issuer) {
    const found = typeof json.issuer === 'string' ? `"${json.issuer}"` : 'no issuer';
    throw new MetadataError(
      `authorization server metadata at ${metadataUrl} has issuer ${found}, but this resource server is configured ` +
        `with issuer "${issuer}"; they must be equal byte for byte (RFC 8414 §3.3)${slashHint(json.issuer, issuer)}`,
    );
  }

  const jwksUri = json.jwks_uri;
  if (typeof jwksUri !== 'string' || !isHttpUrl(jwksUri)) {
    throw new MetadataError(`authorization server metadata at ${metadataUrl} has no usable jwks_uri (got ${JSON.stringify(jwksUri)})`);
  }
  // An https issuer publishing an http JWKS would let a network attacker swap the keys.
  if (new URL(issuer).protocol === 'https:' && new URL(jwksUri).protocol !== 'https:') {
    throw new MetadataError(`jwks_uri ${jwksUri} must use https because the issuer "${issuer}" does`);
  }
  const tokenEndpoint = typeof json.token_endpoint === 'string' && isHttpUrl(json.token_endpoint) ? json.token_endpoint : undefined;
  return { issuer, jwksUri, metadataUrl, tokenEndpoint };
}

function slashHint(found: unknown, expected: string): string {
  if (typeof found !== 'string') return '';
  if (found.replace(/\/+$/, '') === expected.replace(/\/+$/, '')) return '; they differ only by a trailing slash';
  return '';
}

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
