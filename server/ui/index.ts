/**
 * The UI's routes: the built renderer at /ui/, the one-time-token sign-in, `/` → /ui/, and the
 * few endpoints the UI needs beyond the admin API (under /ui/api, same authentication as the
 * admin API: the admin bearer token or a UI session cookie).
 *
 * Wiring (done by createApp for `authserver serve` and the Electron shell):
 *   mountUi(routes, s, { adminToken })                  // into the app's one route table
 *   mountAdminApi(routes, s, { adminToken, authenticate })   // accept the UI session cookie
 *   console.log(`UI: ${uiLoginUrl(server.issuer)}`)
 */
import type { Context, Next } from 'koa';
import { ownOrigins } from '../admin/http';
import type { Services } from '../domain/services';
import { safeEqual } from '../domain/crypto';
import { NotFound, OAuthError, Unauthorized } from '../errors';
import { queryParams } from '../http/body';
import { RouteTable } from '../http/routes';
import { expectedPrm } from './prm';
import { authenticate, createUiSession, endSession, redeemLoginToken, requestPort, sessionCookieName } from './session';
import { defaultRendererDir, serveUiFile, uiHeaders } from './static';
import type { UiSessionInfo } from './types';

export { authenticate, createUiSession, uiLoginUrl, sessionCookieName, forgetIssuer } from './session';
export { UI_CSP, defaultRendererDir } from './static';
export type * from './types';

export interface UiRouterOptions {
  adminToken: string;
  /** The built renderer (default: dist/renderer, see defaultRendererDir). */
  rendererDir?: string;
}

function bearerOk(ctx: Context, adminToken: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(ctx.get('authorization'));
  return !!m && safeEqual(m[1]!, adminToken);
}

/** Adds the UI's routes to `router` (the app's one route table). */
export function mountUi(router: RouteTable, s: Services, opts: UiRouterOptions): void {
  const dir = opts.rendererDir ?? defaultRendererDir();
  const issuer = () => s.deps.config.issuer;

  const requireAdmin = async (ctx: Context, next: Next) => {
    ctx.set('Cache-Control', 'no-store');
    if (!authenticate(ctx) && !bearerOk(ctx, opts.adminToken)) throw new Unauthorized('sign in: open the UI link that `authserver serve` prints on its `UI:` line');
    await next();
  };
  const sameOrigin = async (ctx: Context, next: Next) => {
    const origin = ctx.get('origin');
    if (origin && !ownOrigins(issuer()).has(origin)) throw new OAuthError('forbidden_origin', `not accepted from origin ${origin}`, 403);
    await next();
  };
  const resourceOf = (ctx: Context) => {
    const slug = queryParams(ctx).params.resource ?? '';
    const r = s.resources.get(slug);
    if (!r) throw new NotFound(`resource "${slug}" not found`);
    return r;
  };

  router.get('/', (ctx) => {
    ctx.status = 302;
    ctx.redirect('/ui/');
  });
  router.get('/ui/api/session', (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    const body: UiSessionInfo = { authenticated: false, issuer: issuer() };
    if (authenticate(ctx)) Object.assign(body, { authenticated: true, via: 'cookie' });
    else if (bearerOk(ctx, opts.adminToken)) Object.assign(body, { authenticated: true, via: 'bearer' });
    ctx.body = body;
  });
  router.post('/ui/api/logout', sameOrigin, (ctx) => {
    endSession(ctx);
    ctx.cookies.set(sessionCookieName(requestPort(ctx)), '', { httpOnly: true, sameSite: 'strict', path: '/', maxAge: 0, overwrite: true });
    ctx.status = 204;
  });
  /** A fresh sign-in link, for whoever holds the admin token (the CLI, a script, curl). */
  router.post('/ui/api/login-link', sameOrigin, (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    if (!bearerOk(ctx, opts.adminToken)) throw new Unauthorized();
    ctx.body = { url: createUiSession(issuer()).url };
  });
  router.get('/ui/api/prm', requireAdmin, (ctx) => {
    ctx.body = expectedPrm(resourceOf(ctx), issuer());
  });
  const noUiRoute = (ctx: Context) => {
    throw new NotFound(`no UI route for ${ctx.method} ${ctx.path}`);
  };
  router.all('/ui/api', noUiRoute).all('/ui/api/*', noUiRoute);

  /** The renderer's file at `path` (the app shell for its own routes), or the sign-in token traded for a session. */
  const page = async (ctx: Context, path: string) => {
    const q = queryParams(ctx).params;
    if (q.token !== undefined) {
      // Trade the one-time token for a session cookie, then drop it from the address bar.
      uiHeaders(ctx);
      ctx.set('Cache-Control', 'no-store');
      const sid = redeemLoginToken(q.token, issuer(), requestPort(ctx));
      const rest = new URLSearchParams(ctx.querystring);
      rest.delete('token');
      if (sid) {
        ctx.cookies.set(sessionCookieName(requestPort(ctx)), sid, { httpOnly: true, sameSite: 'strict', path: '/', overwrite: true });
      } else if (!authenticate(ctx)) {
        rest.set('login', 'used');
      }
      const qs = rest.toString();
      ctx.status = 303;
      ctx.redirect(`${ctx.path}${qs ? `?${qs}` : ''}`);
      return;
    }
    await serveUiFile(ctx, dir, path);
  };
  // One route for "/ui" and "/ui/" (the table ignores a trailing slash): only the bare path redirects.
  router.get('/ui', async (ctx) => {
    if (ctx.path !== '/ui') return page(ctx, '');
    ctx.status = 301;
    ctx.redirect(`/ui/${ctx.querystring ? `?${ctx.querystring}` : ''}`);
  });
  router.get('/ui/*', (ctx) => page(ctx, (ctx as Context & { params: Record<string, string> }).params['*'] ?? ''));
}

/** The UI alone, in a table of its own (an app that mounts nothing else). */
export function createUiRouter(s: Services, opts: UiRouterOptions): RouteTable {
  const table = new RouteTable();
  mountUi(table, s, opts);
  return table;
}
