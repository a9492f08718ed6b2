/** /admin/api/users: local test users (who approves consent). */
import type { Routes } from '../http/routes';
import type { Services } from '../domain/services';
import { NotFound } from '../errors';
import { jsonBody, param } from './http';
import { noQuery } from './query';

export function userRoutes(router: Routes, s: Services): void {
  router.get('/users', noQuery, (ctx) => {
    ctx.body = s.users.list();
  });
  router.post('/users', noQuery, async (ctx) => {
    const user = await s.users.create(await jsonBody(ctx));
    ctx.status = 201;
    ctx.body = user;
  });
  router.get('/users/:sub', noQuery, (ctx) => {
    const sub = param(ctx, 'sub');
    const user = s.users.get(sub);
    if (!user) throw new NotFound(`user "${sub}" not found`);
    ctx.body = user;
  });
  router.patch('/users/:sub', noQuery, async (ctx) => {
    ctx.body = await s.users.update(param(ctx, 'sub'), await jsonBody(ctx));
  });
  router.delete('/users/:sub', noQuery, async (ctx) => {
    await s.users.delete(param(ctx, 'sub'));
    ctx.status = 204;
  });
}
