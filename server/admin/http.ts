/**
 * The admin API's request guards and body readers: bearer token (constant time), the
 * same-origin rule for state changes, and size-limited JSON / YAML bodies.
 */
import type { Context, Next } from 'koa';
import type { AdminActor } from '../contracts/settings';
import { safeEqual } from '../domain/crypto';
import { OAuthError, Unauthorized, UnsupportedMediaType } from '../errors';
import { JSON_LIMIT, readJson, readText } from '../http/body';

export interface AdminAuthOptions {
  adminToken: string;
  /** Consulted before the bearer check (e.g. the UI's session cookie); true = authenticated. */
  authenticate?: (ctx: Context) => boolean;
}

export function adminAuth(opts: AdminAuthOptions) {
  return async function requireAdmin(ctx: Context, next: Next) {
    const session = opts.authenticate?.(ctx) === true;
    if (!session) {
      const header = ctx.get('authorization');
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!header) throw new Unauthorized();
      if (!m || !safeEqual(m[1]!, opts.adminToken)) throw new Unauthorized('invalid admin token');
    }
    ctx.state.uiSession = session;
    await next();
  };
}

/**
 * Who an authenticated admin change came from, for the audit trail: the window (the browser UI's
 * session cookie, or a page of this server: the desktop window sends the token from its own
 * origin, and sameOriginWrites has refused any other origin) or the admin token from outside a
 * browser (the CLI, a script).
 */
export function adminActor(ctx: Context): AdminActor {
  return ctx.state.uiSession === true || ctx.get('origin') ? 'window' : 'admin_token';
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const LOOPBACK = ['127.0.0.1', 'localhost', '[::1]'];

/** The origins a browser page may change admin state from: the server's own (issuer, and its loopback aliases). */
export function ownOrigins(issuer: string): Set<string> {
  const u = new URL(issuer);
  const out = new Set([u.origin]);
  if (LOOPBACK.includes(u.hostname)) for (const h of LOOPBACK) out.add(`${u.protocol}//${h}${u.port ? `:${u.port}` : ''}`);
  return out;
}

/**
 * A page on another origin in the developer's browser must not drive the admin API (CSRF with
 * a session cookie, or a script that learned the token). Requests without Origin (CLI, curl)
 * pass: they must still carry the token.
 */
export function sameOriginWrites(issuer: () => string) {
  return async function checkOrigin(ctx: Context, next: Next) {
    const origin = ctx.get('origin');
    if (origin && STATE_CHANGING.has(ctx.method) && !ownOrigins(issuer()).has(origin)) {
      throw new OAuthError('forbidden_origin', `admin changes are not accepted from origin ${origin}; only this server's own pages may change state`, 403);
    }
    await next();
  };
}

/** True when the request carries no body (no Content-Length or 0, and not chunked). */
function hasNoBody(ctx: Context): boolean {
  const len = ctx.get('content-length');
  if (ctx.get('transfer-encoding')) return false;
  return !len || Number(len) === 0;
}

/** JSON body of at most 1 MB; an empty body is `{}` (action endpoints with optional input). */
export async function jsonBody(ctx: Context): Promise<unknown> {
  if (hasNoBody(ctx)) return {};
  return readJson(ctx);
}

const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml', 'text/plain'];

/** A YAML document body (the seed endpoint). */
export async function yamlBody(ctx: Context): Promise<string> {
  if (!ctx.is(YAML_TYPES)) {
    throw new UnsupportedMediaType(`content type must be application/yaml or text/plain (got ${ctx.get('content-type') || 'none'})`);
  }
  return readText(ctx, JSON_LIMIT);
}

/** Route params arrive decoded by the router; client ids may be URLs (CIMD), sent encodeURIComponent'd. */
export function param(ctx: Context, name: string): string {
  const params = (ctx as Context & { params?: Record<string, string> }).params ?? {};
  return params[name] ?? '';
}
