/** Koa adapter: `ctx.state.auth` gets a RequestAuth; failures answer with the challenge. */
import type { Middleware } from 'koa';
import { authenticate, type BearerAuthOptions } from './bearer';
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

/** Koa handler serving the PRM document; mount it at `prmPath(resource)`. */
export function koaPrmHandler(opts: ProtectedResourceMetadataOptions): Middleware {
  const body = protectedResourceMetadata(opts);
  return (ctx) => {
    ctx.status = 200;
    ctx.set(PRM_HEADERS);
    ctx.body = body;
  };
}
