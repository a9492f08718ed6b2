/** /admin/api/resources: the MCP servers tokens are minted for. */
import type { Routes } from '../http/routes';
import type { Services } from '../domain/services';
import { jsonBody, param } from './http';
import { noQuery, readQuery } from './query';
import { ResourceDeleteQuery } from '../contracts';

export function resourceRoutes(router: Routes, s: Services): void {
  router.get('/resources', noQuery, (ctx) => {
    ctx.body = s.resources.list();
  });
  router.post('/resources', noQuery, async (ctx) => {
    const row = await s.resources.create(await jsonBody(ctx));
    ctx.status = 201;
    ctx.set('Location', `${ctx.path.replace(/\/$/, '')}/${encodeURIComponent(row.slug)}`);
    ctx.body = row;
  });
  router.get('/resources/:slug', noQuery, (ctx) => {
    ctx.body = s.resources.require(param(ctx, 'slug'));
  });
  router.patch('/resources/:slug', noQuery, async (ctx) => {
    ctx.body = await s.resources.update(s.resources.require(param(ctx, 'slug')).slug, await jsonBody(ctx));
  });
  router.delete('/resources/:slug', async (ctx) => {
    const { cascade } = readQuery(ctx, ResourceDeleteQuery);
    await s.resources.delete(param(ctx, 'slug'), { cascade });
    ctx.status = 204;
  });
}
