/** /admin/api/settings: the running server's settings (the refresh grace changes until restart). */
import type { Routes } from '../http/routes';
import type { Services } from '../domain/services';
import { adminActor, jsonBody } from './http';
import { noQuery } from './query';

export function settingsRoutes(router: Routes, s: Services): void {
  router.get('/settings', noQuery, (ctx) => {
    ctx.body = s.settings.view();
  });
  router.patch('/settings', noQuery, async (ctx) => {
    ctx.body = s.settings.update(await jsonBody(ctx), adminActor(ctx));
  });
}
