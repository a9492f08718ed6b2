/** /admin/api/seed: apply a YAML seed (the same loader as `serve --seed` and `authserver seed apply`). */
import type Router from '@koa/router';
import type { Services } from '../domain/services';
import { query, yamlBody } from './http';

export function seedRoutes(router: Router, s: Services): void {
  router.post('/seed', async (ctx) => {
    const text = await yamlBody(ctx);
    // Loaded on first use: the YAML parser would otherwise add ~30-80 ms to every `serve` start.
    const { applySeed } = await import('../seed/applySeed');
    ctx.body = await applySeed(s, text, { file: query(ctx).file || 'seed.yaml' });
  });
}
