/**
 * The UI's routes: the built renderer at /ui/, the one-time-token sign-in, `/` → /ui/, and the
 * few endpoints the UI needs beyond the admin API (under /ui/api, same authentication as the
 * admin API: the admin bearer token or a UI session cookie).
 *
 * Wiring (done by `authserver serve` and the Electron shell):
 *   startServer({ ..., extraRouters: (s, adminToken) => [createUiRouter(s, { adminToken })] })
 *   createAdminRouter(s, { adminToken, authenticate })   // accept the UI session cookie
 *   console.log(`UI: ${uiLoginUrl(server.issuer)}`)
 */
import Router from '@koa/router';
import type { Context, Next } from 'koa';
import { ownOrigins } from '../admin/http';
import type { Services } from '../domain/services';
import { safeEqual } from '../domain/crypto';
import { NotFound, OAuthError, Unauthorized } from '../errors';
import { queryParams } from '../http/body';
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

export function createUiRouter(s: Services, opts: UiRouterOptions): Router {
  const router = new Router();
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

  router.get('/', async (ctx, next) => {
    if (ctx.path !== '/') return next();
    ctx.status = 302;
    ctx.redirect('/ui/');
  });
  router.get('/ui', async (ctx, next) => {
    // The router matches "/ui/" here too (non-strict): only the bare path redirects.
    if (ctx.path !== '/ui') return next();
    ctx.status = 301;
    ctx.redirect(`/ui/${ctx.querystring ? `?${ctx.querystring}` : ''}`);
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
  router.all('/ui/api/{*rest}', (ctx) => {
    throw new NotFound(`no UI route for ${ctx.method} ${ctx.path}`);
  });

  router.get('/ui/{*path}', async (ctx) => {
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
    const params = (ctx as Context & { params?: Record<string, string> }).params ?? {};
    await serveUiFile(ctx, dir, params.path ?? '');
  });
  return router;
}
