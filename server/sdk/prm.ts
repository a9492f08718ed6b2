/**
 * RFC 9728 Protected Resource Metadata: the document that tells MCP clients which
 * authorization server protects this resource. The AS does not serve it; the MCP server does.
 */

export interface ProtectedResourceMetadataOptions {
  /** This resource's URI, exactly as registered at the AS (it becomes the token's `aud`). */
  resource: string;
  /** The AS issuer, byte for byte as in its metadata. */
  issuer: string;
  /** Scopes clients may request for this resource (do not list offline_access). */
  scopes: readonly string[];
  /** Human-readable name shown by some clients. */
  resourceName?: string;
}

export interface ProtectedResourceMetadata {
  resource: string;
  authorization_servers: string[];
  scopes_supported: string[];
  bearer_methods_supported: ['header'];
  resource_signing_alg_values_supported: string[];
  resource_name?: string;
}

/**
 * The RFC 9728 document. `resource` and `issuer` are copied verbatim.
 *
 * @example
 * ```ts
 * protectedResourceMetadata({ resource: 'http://127.0.0.1:3001/mcp', issuer: 'http://127.0.0.1:9000', scopes: ['read', 'write'] });
 * // { resource, authorization_servers: [issuer], scopes_supported, bearer_methods_supported: ['header'], … }
 * ```
 */
export function protectedResourceMetadata(opts: ProtectedResourceMetadataOptions): ProtectedResourceMetadata {
  const doc: ProtectedResourceMetadata = {
    // Verbatim, never `new URL(...).href`: that adds a slash to an origin-only resource and
    // the client would then request (and the AS mint) a different `aud`.
    resource: opts.resource,
    authorization_servers: [opts.issuer],
    scopes_supported: [...opts.scopes],
    bearer_methods_supported: ['header'],
    resource_signing_alg_values_supported: ['ES256', 'RS256'],
  };
  if (opts.resourceName !== undefined) doc.resource_name = opts.resourceName;
  return doc;
}

/**
 * `/.well-known/oauth-protected-resource<path without trailing slash>`; a root resource maps to
 * the bare well-known path. Matches how MCP clients (TS and Python SDKs) derive the URL, so
 * `/mcp` and `/mcp/` share one document. The query is ignored, as those clients ignore it.
 *
 * @example
 * ```ts
 * prmPath('http://127.0.0.1:3001/mcp/'); // '/.well-known/oauth-protected-resource/mcp'
 * prmPath('http://127.0.0.1:3001');      // '/.well-known/oauth-protected-resource'
 * ```
 */
export function prmPath(resource: string): string {
  const path = new URL(resource).pathname.replace(/\/+$/, '');
  return `/.well-known/oauth-protected-resource${path}`;
}

/**
 * Absolute PRM URL, for `resource_metadata` in WWW-Authenticate.
 *
 * @example
 * ```ts
 * prmUrl('http://127.0.0.1:3001/mcp'); // 'http://127.0.0.1:3001/.well-known/oauth-protected-resource/mcp'
 * ```
 */
export function prmUrl(resource: string): string {
  return `${new URL(resource).origin}${prmPath(resource)}`;
}

/**
 * Headers for serving the PRM document. It is public, so any origin may read it (browser-based
 * clients such as MCP Inspector fetch it cross-origin); a short cache keeps config edits visible.
 */
export const PRM_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Type': 'application/json',
  'Cache-Control': 'public, max-age=300',
  'Access-Control-Allow-Origin': '*',
});
