/** /admin/api/fronting: fronting links (gateway resource → hidden resource), as the product's /admin/fronting. */
import type { Routes } from '../http/routes';
import { FrontingCreateQuery } from '../contracts';
import type { Services } from '../domain/services';
import { jsonBody, param } from './http';
import { noQuery, readQuery } from './query';

export function frontingRoutes(router: Routes, s: Services): void {
  router.get('/fronting', noQuery, (ctx) => {
    ctx.body = s.fronting.list();
  });
  router.post('/fronting', async (ctx) => {
    const { dry_run } = readQuery(ctx, FrontingCreateQuery);
    const row = await s.fronting.create(await jsonBody(ctx), { dryRun: dry_run });
    if (dry_run) {
      ctx.body = { dry_run: true, link: row };
      return;
    }
    ctx.status = 201;
    ctx.set('Location', `${ctx.path.replace(/\/$/, '')}/${encodeURIComponent(row.source)}/${encodeURIComponent(row.target)}`);
    ctx.body = row;
  });
  router.get('/fronting/:source/:target', noQuery, (ctx) => {
    ctx.body = s.fronting.require(param(ctx, 'source'), param(ctx, 'target'));
  });
  router.patch('/fronting/:source/:target', async (ctx) => {
    const { dry_run } = readQuery(ctx, FrontingCreateQuery);
    const link = await s.fronting.update(param(ctx, 'source'), param(ctx, 'target'), await jsonBody(ctx), { dryRun: dry_run });
    ctx.body = dry_run ? { dry_run: true, link } : link;
  });
  router.delete('/fronting/:source/:target', noQuery, async (ctx) => {
    await s.fronting.delete(param(ctx, 'source'), param(ctx, 'target'));
    ctx.status = 204;
  });
  router.get('/resources/:slug/fronting', noQuery, (ctx) => {
    ctx.body = s.fronting.forResource(s.resources.require(param(ctx, 'slug')).slug);
  });
}
