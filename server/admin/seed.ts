/**
 * /admin/api/seed: apply a YAML seed (the same loader as `serve --seed` and `authserver seed
 * apply`; `?update=true` patches stored rows that differ), and GET /seed/export: the stored
 * resources, clients and users as a seed file.
 */
import type { Routes } from '../http/routes';
import { SeedQuery } from '../contracts/adminQueries';
import type { Services } from '../domain/services';
import { yamlBody } from './http';
import { noQuery, readQuery } from './query';

export function seedRoutes(router: Routes, s: Services): void {
  router.post('/seed', async (ctx) => {
    const q = readQuery(ctx, SeedQuery);
    const text = await yamlBody(ctx);
    // Loaded on first use: the YAML parser would otherwise add ~30-80 ms to every `serve` start.
    const { applySeed } = await import('../seed/applySeed');
    ctx.body = await applySeed(s, text, { file: q.file || 'seed.yaml', update: q.update === true });
  });
  router.get('/seed/export', noQuery, async (ctx) => {
    const { exportSeed } = await import('../seed/exportSeed');
    ctx.type = 'application/yaml';
    ctx.body = exportSeed(s);
  });
}
