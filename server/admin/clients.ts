/** /admin/api/clients: OAuth clients (agents). The secret appears once, in the create response. */
import type Router from '@koa/router';
import { ClientPatch } from '../contracts';
import { parseOrThrow } from '../domain/resources';
import type { Services } from '../domain/services';
import { jsonBody, param } from './http';
import { getClient } from './ops';

export function clientRoutes(router: Router, s: Services): void {
  router.get('/clients', (ctx) => {
    ctx.body = s.clients.list();
  });
  router.post('/clients', async (ctx) => {
    const created = await s.clients.create(await jsonBody(ctx), 'admin');
    ctx.status = 201;
    ctx.set('Location', `${ctx.path.replace(/\/$/, '')}/${encodeURIComponent(created.client_id)}`);
    ctx.body = created;
  });
  // Recovery when dynamic registration hits its cap (DCR_LIMITS.clients).
  router.post('/clients/prune', async (ctx) => {
    ctx.body = await s.clients.prune(await jsonBody(ctx));
  });
  router.get('/clients/:id', (ctx) => {
    ctx.body = getClient(s, param(ctx, 'id'));
  });
  router.patch('/clients/:id', async (ctx) => {
    const patch = parseOrThrow(ClientPatch, await jsonBody(ctx));
    ctx.body = await s.clients.update(param(ctx, 'id'), patch);
  });
  router.delete('/clients/:id', async (ctx) => {
    await s.clients.delete(param(ctx, 'id'));
    ctx.status = 204;
  });
}
