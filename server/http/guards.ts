/** Request guards shared by every route: DNS-rebinding defence and security headers. */
import type { HttpContext, Next } from './context';
import { OAuthError } from '../errors';
import { memoByString } from '../memo';

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * DNS rebinding: a page on evil.example can resolve its name to 127.0.0.1 and then talk to us
 * with `Host: evil.example`. Only our issuer's host and loopback names are answered.
 */
export function hostGuard(issuer: string) {
  const issuerHost = new URL(issuer).hostname.toLowerCase();
  const allowed = allowedHost(issuer);
  // Plain functions handing on next()'s promise, here and below: an async wrapper per middleware
  // costs every request a promise and a microtask for nothing (a throw still rejects: the chain
  // catches it).
  return function checkHost(ctx: HttpContext, next: Next) {
    const raw = ctx.get('host');
    if (!allowed(raw)) {
      throw new OAuthError('invalid_request', `Host "${raw}" is not allowed: AuthPlane only answers requests for ${issuerHost} or loopback names (DNS-rebinding protection)`, 421);
    }
    return next();
  };
}

/** The host guard's test on its own (the CORS middleware, which runs first, uses it too). */
export function allowedHost(issuer: string): (raw: string) => boolean {
  const issuerHost = new URL(issuer).hostname.toLowerCase();
  // Clients send the same Host header on every request: remember the verdict instead of parsing a URL each time.
  return memoByString((raw) => {
    let hostname = '';
    try {
      hostname = new URL(`http://${raw}`).hostname.toLowerCase();
    } catch {
      hostname = '';
    }
    return !!raw && (LOOPBACK_NAMES.has(hostname) || hostname === issuerHost || hostname.endsWith('.localhost'));
  }, 64);
}

export function securityHeaders(ctx: HttpContext, next: Next) {
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Referrer-Policy', 'no-referrer');
  return next();
}

export function noStore(ctx: HttpContext, next: Next) {
  ctx.set('Cache-Control', 'no-store');
  ctx.set('Pragma', 'no-cache');
  return next();
}

/** Headers for our own HTML pages: no framing, no inline script, same-origin everything. */
export function pageHeaders(ctx: HttpContext): void {
  ctx.set('Content-Security-Policy', "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'");
  ctx.set('X-Frame-Options', 'DENY');
  // same-origin, not no-referrer: with no-referrer Chromium sends `Origin: null` on our own form posts.
  ctx.set('Referrer-Policy', 'same-origin');
  ctx.set('Cache-Control', 'no-store');
}
