/**
 * An issuer with a path (`--issuer http://127.0.0.1:9000/authplane`) advertises every endpoint
 * under that path (`…/authplane/oauth/token`), as RFC 8414 builds them from the issuer. The routes
 * themselves stay at the root, so the same server answers directly and behind a proxy that strips
 * the path: requests under the path are routed as if it were not there.
 */
import type { Middleware } from 'koa';

/** The issuer's path without a trailing "/", or '' for an origin-only issuer. */
export function issuerPath(issuer: string): string {
  const p = new URL(issuer).pathname;
  return p === '/' ? '' : p.replace(/\/$/, '');
}

export function stripIssuerPath(issuer: string): Middleware {
  const prefix = issuerPath(issuer);
  return (ctx, next) => {
    if (prefix && (ctx.path === prefix || ctx.path.startsWith(`${prefix}/`))) ctx.path = ctx.path.slice(prefix.length) || '/';
    return next();
  };
}
