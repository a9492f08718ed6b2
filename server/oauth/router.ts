/** Every public route: discovery, OAuth endpoints, the consent page and its assets. */
import type { Services } from '../domain/services';
import { PAGE_CSS } from '../http/page';
import { RouteTable } from '../http/routes';
import { mountAuthorize } from './authorize';
import { mountConsent } from './consent';
import { mountIntrospect } from './introspect';
import { mountMetadata } from './metadata';
import { mountRegister } from './register';
import { mountRevoke } from './revoke';
import { mountToken } from './token';

export function createOAuthRoutes(s: Services, opts: { adminToken: string }): RouteTable {
  const router = new RouteTable();
  mountMetadata(router, s);
  mountAuthorize(router, s);
  mountConsent(router, s);
  mountToken(router, s);
  mountRegister(router, s);
  mountRevoke(router, s);
  mountIntrospect(router, s, opts.adminToken);
  router.get('/assets/page.css', (ctx) => {
    ctx.type = 'text/css';
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.body = PAGE_CSS;
  });
  router.get('/health', (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { status: 'ok', issuer: s.deps.config.issuer, time: new Date(s.deps.clock.now()).toISOString() };
  });
  return router;
}
