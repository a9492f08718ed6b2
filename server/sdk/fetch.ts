/**
 * Web-standard adapter for `(Request) => Promise<Response>` runtimes (Hono, Bun, Deno,
 * Cloudflare Workers, Next.js route handlers, the MCP SDK's WebStandardStreamableHTTPServerTransport).
 */
import type { RequestAuth } from './auth-info';
import { authenticate, type BearerAuthOptions } from './bearer';
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

/** A fresh Response carrying the PRM document (with CORS and cache headers). */
export function prmResponse(opts: ProtectedResourceMetadataOptions): Response {
  return new Response(JSON.stringify(protectedResourceMetadata(opts)), { status: 200, headers: PRM_HEADERS });
}
