/**
 * Web-standard adapter for `(Request) => Promise<Response>` runtimes (Hono, Bun, Deno,
 * Cloudflare Workers, Next.js route handlers, the MCP SDK's WebStandardStreamableHTTPServerTransport).
 */
import type { RequestAuth } from './auth-info';
import { authenticate, type BearerAuthOptions } from './bearer';
import { MCP_CORS_HEADERS, MCP_PREFLIGHT_HEADERS, PREFLIGHT_STATUS, PRM_PREFLIGHT_HEADERS } from './cors';
import { PRM_HEADERS, protectedResourceMetadata, type ProtectedResourceMetadataOptions } from './prm';
import type { ResourceVerifier } from './verifier';

export type AuthedHandler = (request: Request, auth: RequestAuth) => Response | Promise<Response>;

/**
 * Wrap a web-standard handler: it only runs with a verified token; otherwise the challenge
 * Response is returned. Unexpected errors propagate to the caller.
 *
 * @example
 * ```ts
 * const handler = withBearerAuth(verifier, (req, auth) => Response.json({ sub: auth.subject }), {
 *   resourceMetadataUrl: prmUrl(resource),
 *   requiredScopes: ['read'],
 * });
 * export default { fetch: (req: Request) => new URL(req.url).pathname === prmPath(resource)
 *   ? prmResponse({ resource, issuer, scopes: ['read'] }) : handler(req) };
 * ```
 */
export function withBearerAuth(
  verifier: ResourceVerifier,
  handler: AuthedHandler,
  opts: BearerAuthOptions,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const out = await authenticate(verifier, request.headers.get('authorization'), opts);
    if (!out.ok) {
      const { status, headers, body } = out.response;
      return new Response(JSON.stringify(body), { status, headers });
    }
    return handler(request, out.auth);
  };
}

/**
 * A fresh Response carrying the PRM document (with CORS and cache headers); given the request,
 * an OPTIONS (CORS preflight) gets the 204 preflight answer instead.
 */
export function prmResponse(opts: ProtectedResourceMetadataOptions, request?: Request): Response {
  if (request?.method === 'OPTIONS') return new Response(null, { status: PREFLIGHT_STATUS, headers: PRM_PREFLIGHT_HEADERS });
  return new Response(JSON.stringify(protectedResourceMetadata(opts)), { status: 200, headers: PRM_HEADERS });
}

/**
 * CORS around an MCP endpoint handler (wrap the bearer-auth'd one, so CORS comes first):
 * OPTIONS gets the 204 preflight answer, every other response gains the CORS headers.
 *
 * @example
 * ```ts
 * const mcp = withMcpCors(withBearerAuth(verifier, mcpHandler, { resourceMetadataUrl: prmUrl(resource) }));
 * ```
 */
export function withMcpCors(handler: (request: Request) => Response | Promise<Response>): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method === 'OPTIONS') return new Response(null, { status: PREFLIGHT_STATUS, headers: MCP_PREFLIGHT_HEADERS });
    const response = await handler(request);
    // A Response from fetch() has immutable headers; copy into a fresh one.
    const headers = new Headers(response.headers);
    for (const [k, v] of Object.entries(MCP_CORS_HEADERS)) headers.set(k, v);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  };
}
