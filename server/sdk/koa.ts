/** Koa adapter: `ctx.state.auth` gets a RequestAuth; failures answer with the challenge. */
import type { Middleware } from 'koa';
import { authenticate, type BearerAuthOptions } from './bearer';
import { MCP_CORS_HEADERS, MCP_PREFLIGHT_HEADERS, PREFLIGHT_STATUS, PRM_PREFLIGHT_HEADERS } from './cors';
import { PRM_HEADERS, protectedResourceMetadata, type ProtectedResourceMetadataOptions } from './prm';
import type { ResourceVerifier } from './verifier';

/**
 * Koa middleware: verifies the bearer token and sets `ctx.state.auth` (a RequestAuth), or
 * answers 401/403/503 with the challenge.
 *
 * @example
 * ```ts
 * router.get(prmPath(resource), koaPrmHandler({ resource, issuer, scopes: ['read'] }));
 * router.all('/mcp', koaBearerAuth(verifier, { resourceMetadataUrl: prmUrl(resource) }), async (ctx) => {
 *   ctx.body = { sub: ctx.state.auth.subject };
 * });
 * ```
 */
export function koaBearerAuth(verifier: ResourceVerifier, opts: BearerAuthOptions): Middleware {
  return async (ctx, next) => {
    const out = await authenticate(verifier, ctx.get('authorization'), opts);
    if (!out.ok) {
      ctx.status = out.response.status;
      ctx.set(out.response.headers);
      ctx.body = out.response.body;
      return;
    }
    ctx.state.auth = out.auth;
    await next();
  };
}

/** Koa handler serving the PRM document (GET) and its CORS preflight (OPTIONS); mount it at `prmPath(resource)`. */
export function koaPrmHandler(opts: ProtectedResourceMetadataOptions): Middleware {
  const body = protectedResourceMetadata(opts);
  return (ctx) => {
    if (ctx.method === 'OPTIONS') {
      ctx.status = PREFLIGHT_STATUS;
      ctx.set(PRM_PREFLIGHT_HEADERS);
      return;
    }
    ctx.status = 200;
    ctx.set(PRM_HEADERS);
    ctx.body = body;
  };
}

/**
 * CORS for the MCP endpoint; use it BEFORE koaBearerAuth so the browser's preflight (no token)
 * gets 204, not 401, and challenges stay readable cross-origin.
 *
 * @example
 * ```ts
 * router.all('/mcp', koaMcpCors(), koaBearerAuth(verifier, { resourceMetadataUrl: prmUrl(resource) }), mcpHandler);
 * ```
 */
export function koaMcpCors(): Middleware {
  return async (ctx, next) => {
    if (ctx.method === 'OPTIONS') {
      ctx.status = PREFLIGHT_STATUS;
      ctx.set(MCP_PREFLIGHT_HEADERS);
      return;
    }
    ctx.set(MCP_CORS_HEADERS);
    await next();
  };
}
