/** /admin/api/clients: OAuth clients (agents). The secret appears once, in the create response. */
import type { Routes } from '../http/routes';
import type { Services } from '../domain/services';
import { jsonBody, param } from './http';
import { getClient } from './ops';
import { noQuery } from './query';

export function clientRoutes(router: Routes, s: Services): void {
  router.get('/clients', noQuery, (ctx) => {
    ctx.body = s.clients.list();
  });
  router.post('/clients', noQuery, async (ctx) => {
    const created = await s.clients.create(await jsonBody(ctx), 'admin');
    ctx.status = 201;
    ctx.set('Location', `${ctx.path.replace(/\/$/, '')}/${encodeURIComponent(created.client_id)}`);
    ctx.body = created;
  });
  // Recovery when dynamic registration hits its cap (DCR_LIMITS.clients).
  router.post('/clients/prune', noQuery, async (ctx) => {
    ctx.body = await s.clients.prune(await jsonBody(ctx));
  });
  router.get('/clients/:id', noQuery, (ctx) => {
    ctx.body = getClient(s, param(ctx, 'id'));
  });
  router.patch('/clients/:id', noQuery, async (ctx) => {
    ctx.body = await s.clients.update(param(ctx, 'id'), await jsonBody(ctx));
  });
  router.delete('/clients/:id', noQuery, async (ctx) => {
    await s.clients.delete(param(ctx, 'id'));
    ctx.status = 204;
  });
}
