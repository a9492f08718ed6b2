/** Koa adapter: `ctx.state.auth` gets a RequestAuth; failures answer with the challenge. */
import type { Middleware } from 'koa';
import { authenticate, type BearerAuthOptions } from './bearer';
import { PRM_HEADERS, protectedResourceMetadata, type ProtectedResourceMetadataOptions } from './prm';
import type { ResourceVerifier } from './verifier';

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

export function koaPrmHandler(opts: ProtectedResourceMetadataOptions): Middleware {
  const body = protectedResourceMetadata(opts);
  return (ctx) => {
    ctx.status = 200;
    ctx.set(PRM_HEADERS);
    ctx.body = body;
  };
}
