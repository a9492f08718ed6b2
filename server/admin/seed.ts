/** /admin/api/seed: apply a YAML seed (the same loader as `serve --seed` and `authserver seed apply`). */
import type Router from '@koa/router';
import type { Services } from '../domain/services';
import { applySeed } from '../seed/applySeed';
import { query, yamlBody } from './http';

export function seedRoutes(router: Router, s: Services): void {
  router.post('/seed', async (ctx) => {
    const text = await yamlBody(ctx);
    ctx.body = await applySeed(s, text, { file: query(ctx).file || 'seed.yaml' });
  });
}
