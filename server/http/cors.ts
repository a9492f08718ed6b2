/**
 * CORS for the endpoints browser-based MCP clients call (MCP Inspector, Claude web): `*`, no
 * credentials, on success, errors and preflights alike. Never on consent or admin routes.
 */
import type { HttpContext, Next } from './context';

const ALLOW_HEADERS = 'authorization, content-type, mcp-protocol-version, accept, dpop';

export async function publicCors(ctx: HttpContext, next: Next) {
  ctx.set('Access-Control-Allow-Origin', '*');
  ctx.set('Access-Control-Expose-Headers', 'WWW-Authenticate, Cache-Control');
  if (ctx.method === 'OPTIONS') {
    ctx.set('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    ctx.set('Access-Control-Allow-Headers', ALLOW_HEADERS);
    ctx.set('Access-Control-Max-Age', '600');
    ctx.status = 204;
    return;
  }
  await next();
}

export const isCorsPath = (path: string): boolean =>
  path.startsWith('/.well-known/') || path === '/oauth/token' || path === '/oauth/register' || path === '/oauth/revoke' || path === '/oauth/introspect';
