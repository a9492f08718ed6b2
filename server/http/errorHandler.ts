/**
 * The one place errors become responses. OAuthError → its status and `{error,
 * error_description}` (plus RFC 9457 problem fields) or, for browsers and PageErrors, an HTML
 * page. A StorageError becomes 503 `temporarily_unavailable`: the request failed, nothing was
 * issued. Anything else is a 500 whose body says nothing about internals.
 */
import type { HttpContext, Next } from './context';
import { OAuthError, PageError, StorageError } from '../errors';
import type { Logger } from '../log';
import { pageHeaders } from './guards';
import { errorPage } from './page';

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable' };

export function toOAuthError(err: unknown, log: Logger): OAuthError {
  if (err instanceof OAuthError) return err;
  if (err instanceof StorageError) {
    log.error(`storage failure on ${err.file}: ${err.message}`);
    return new OAuthError('temporarily_unavailable', 'the server could not save to its data directory; nothing was issued. See the server log.', 503);
  }
  const e = err as { status?: number; expose?: boolean; message?: string; code?: string };
  // Koa/http-errors and socket errors from the client side (aborted bodies, bad headers).
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    return new OAuthError('invalid_request', e.expose && e.message ? e.message : 'bad request', e.status);
  }
  if (e?.code === 'ECONNRESET' || e?.code === 'ECONNABORTED') return new OAuthError('invalid_request', 'request aborted', 400);
  log.error(`internal error: ${(err as Error)?.stack ?? String(err)}`);
  return new OAuthError('server_error', 'an internal error occurred', 500);
}

export function renderError(ctx: HttpContext, oerr: OAuthError, asPage: boolean): void {
  ctx.status = oerr.status;
  for (const [k, v] of Object.entries(oerr.headers)) ctx.set(k, v);
  ctx.set('Cache-Control', 'no-store');
  if (asPage) {
    // Every HTML page, error pages included: unframeable, no inline script (as the consent page).
    pageHeaders(ctx);
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = errorPage(oerr instanceof PageError ? oerr.title : STATUS_TEXT[oerr.status] ?? 'Error', oerr.message, oerr.error, oerr instanceof PageError ? oerr.hint : undefined);
    return;
  }
  ctx.type = 'application/json';
  ctx.body = {
    ...oerr.toJSON(),
    status: oerr.status,
    title: STATUS_TEXT[oerr.status] ?? 'Error',
  };
}

/** Browsers navigating (Accept: text/html without json) get pages on page-capable routes. */
export function wantsHtml(ctx: HttpContext): boolean {
  const accept = ctx.get('accept');
  if (!accept || accept.includes('application/json')) return false;
  return accept.includes('text/html');
}

export function errorHandler(log: Logger) {
  return async function handleErrors(ctx: HttpContext, next: Next) {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new OAuthError('not_found', `no route for ${ctx.method} ${ctx.path}`, 404);
      }
      // The route table sets 405 without a body (a known path, another method): the client's
      // mistake, answered as an OAuth error like every other error.
      if (ctx.status === 405 && (ctx.body === undefined || ctx.body === null)) {
        const allow = ctx.response.get('allow');
        throw new OAuthError('method_not_allowed', `${ctx.method} is not allowed on ${ctx.path}${allow ? ` (allowed: ${allow})` : ''}`, 405);
      }
    } catch (err) {
      const oerr = toOAuthError(err, log);
      ctx.state.oauthError = oerr;
      const asPage = oerr instanceof PageError || (ctx.state.pageRoute === true && wantsHtml(ctx));
      renderError(ctx, oerr, asPage);
    }
  };
}
