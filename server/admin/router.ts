/**
 * The admin REST API under /admin/api: what the desktop window, the browser UI and the CLI (when
 * a server runs) use to read and change state. Every request is authenticated (admin bearer
 * token, or the `authenticate` hook for the UI session); state changes from a foreign Origin are
 * refused; no CORS headers are ever sent. Errors are OAuthErrors rendered by the app's handler.
 */
import type { Context } from 'koa';
import type { Services } from '../domain/services';
import { NotFound } from '../errors';
import { RouteTable } from '../http/routes';
import { activityRoutes } from './activity';
import { auditRoutes } from './audit';
import { clientRoutes } from './clients';
import { consentRoutes } from './consents';
import { eventRoutes } from './events';
import { faultRoutes } from './faults';
import { frontingRoutes } from './fronting';
import { flowRoutes } from './flows';
import { adminAuth, sameOriginWrites } from './http';
import { interactionRoutes } from './interactions';
import { issuanceRoutes } from './issuances';
import { keyRoutes } from './keys';
import { resourcePolicyRoutes } from './resourcePolicy';
import { resourceRoutes } from './resources';
import { seedRoutes } from './seed';
import { settingsRoutes } from './settings';
import { testTokenRoutes } from './testTokens';
import { doctorRoutes } from './doctor';
import { statusRoutes } from './status';
import { userRoutes } from './users';

export const ADMIN_PREFIX = '/admin/api';

export interface AdminRouterOptions {
  adminToken: string;
  /** Consulted before the bearer check; return true to accept the request (UI session cookie). */
  authenticate?: (ctx: Context) => boolean;
  /** SSE heartbeat interval (tests shorten it). */
  heartbeatMs?: number;
}

export { closeEventStreams } from './events';

/** Adds the admin API to `table` (the app's one route table), every route behind auth and the origin rule. */
export function mountAdminApi(table: RouteTable, services: Services, opts: AdminRouterOptions): void {
  const router = table.scope(
    ADMIN_PREFIX,
    adminAuth(opts),
    sameOriginWrites(() => services.deps.config.issuer),
    async (ctx, next) => {
      ctx.set('Cache-Control', 'no-store');
      await next();
    },
  );

  statusRoutes(router, services);
  resourceRoutes(router, services);
  resourcePolicyRoutes(router, services);
  frontingRoutes(router, services);
  clientRoutes(router, services);
  userRoutes(router, services);
  consentRoutes(router, services);
  issuanceRoutes(router, services);
  keyRoutes(router, services);
  interactionRoutes(router, services);
  activityRoutes(router, services);
  auditRoutes(router, services);
  eventRoutes(router, services, opts.heartbeatMs);
  faultRoutes(router, services);
  flowRoutes(router, services);
  settingsRoutes(router, services);
  seedRoutes(router, services);
  testTokenRoutes(router, services); // POST /tokens (test tokens), /tokens/mint-test (the doctor's two)
  doctorRoutes(router, services, opts.adminToken); // POST /doctor: the window's "check my MCP server"

  // Anything else under the prefix is a JSON 404 (after auth), never the UI's HTML fallback.
  const notFound = (ctx: Context) => {
    throw new NotFound(`no admin route for ${ctx.method} ${ctx.path}`);
  };
  router.all('', notFound).all('/*', notFound);
}

/** The admin API alone, in a table of its own (an app that mounts nothing else). */
export function createAdminRouter(services: Services, opts: AdminRouterOptions): RouteTable {
  const table = new RouteTable();
  mountAdminApi(table, services, opts);
  return table;
}
