/** /admin/api/status: what this server is (issuer, version, data dir, pid) and how much it holds. */
import type { Routes } from '../http/routes';
import type { Services } from '../domain/services';
import { getStatus } from './ops';
import { noQuery } from './query';

export function statusRoutes(router: Routes, s: Services): void {
  router.get('/status', noQuery, (ctx) => {
    ctx.body = getStatus(s);
  });
}
