/**
 * /admin/api/resources/:slug/policy/{runtime/client-ids, exchange/allowed-clients}: the product's
 * policy sub-lists. GET lists, POST `{client_id}` adds, DELETE …/:client_id removes; each answers
 * 200 with the list after the change (`{client_ids}` / `{allowed_client_ids}`), as the product.
 */
import type { Routes } from '../http/routes';
import type { Services } from '../domain/services';
import { POLICY_LIST_NAMES, POLICY_LISTS, policyListBody } from '../contracts';
import { jsonBody, param } from './http';
import { noQuery } from './query';

export function resourcePolicyRoutes(router: Routes, s: Services): void {
  for (const list of POLICY_LIST_NAMES) {
    const path = `/resources/:slug/policy/${POLICY_LISTS[list].path}`;
    router.get(path, noQuery, (ctx) => {
      ctx.body = policyListBody(list, s.policies.list(param(ctx, 'slug'), list));
    });
    router.post(path, noQuery, async (ctx) => {
      ctx.body = policyListBody(list, await s.policies.add(param(ctx, 'slug'), list, await jsonBody(ctx)));
    });
    router.delete(`${path}/:client_id`, noQuery, async (ctx) => {
      ctx.body = policyListBody(list, await s.policies.remove(param(ctx, 'slug'), list, param(ctx, 'client_id')));
    });
  }
}
