/** /admin/api/interactions: pending consent prompts, decided from the desktop window. */
import type { Routes } from '../http/routes';
import { ConsentDecision } from '../contracts';
import { parseOrThrow } from '../domain/parse';
import type { Services } from '../domain/services';
import { jsonBody, param } from './http';
import { noQuery } from './query';

export function interactionRoutes(router: Routes, s: Services): void {
  router.get('/interactions', noQuery, (ctx) => {
    ctx.body = s.interactions.listPending();
  });
  router.post('/interactions/:uid/decision', noQuery, async (ctx) => {
    const decision = parseOrThrow(ConsentDecision, await jsonBody(ctx));
    const { redirect } = await s.decisions.decide(param(ctx, 'uid'), decision);
    ctx.body = { redirect };
  });
}
