/**
 * /admin/api/faults: arm, list and clear faults on demand (server/domain/faults.ts). In memory
 * only, so the CLI reaches them through the running server and never through the data dir.
 */
import type { Routes } from '../http/routes';
import type { Services } from '../domain/services';
import { jsonBody, param } from './http';
import { noQuery } from './query';

export function faultRoutes(router: Routes, s: Services): void {
  router.get('/faults', noQuery, (ctx) => {
    ctx.body = s.faults.list();
  });
  router.post('/faults', noQuery, async (ctx) => {
    ctx.body = s.faults.arm(await jsonBody(ctx));
    ctx.status = 201;
  });
  // Clearing all answers the faults it cleared (the CLI says how many).
  router.delete('/faults', noQuery, (ctx) => {
    ctx.body = s.faults.clearAll();
  });
  router.delete('/faults/:id', noQuery, (ctx) => {
    ctx.body = s.faults.clear(param(ctx, 'id'));
  });
}
