/**
 * /admin/api/flows: the flow timeline (server/flows/). Newest first; a flow with every step's
 * exchange and a curl command per step; a flow as HAR 1.2. Secrets are masked unless the caller
 * asks `?reveal=true` (an explicit, local action: the admin API is the developer's own).
 */
import type { Routes } from '../http/routes';
import { FlowListQuery, FlowShowQuery } from '../contracts/flows';
import type { Services } from '../domain/services';
import { flowHar } from '../flows/har';
import { VERSION } from '../version';
import { param } from './http';
import { readQuery } from './query';

export function flowRoutes(router: Routes, s: Services): void {
  router.get('/flows', (ctx) => {
    const q = readQuery(ctx, FlowListQuery);
    // A flow records the URI the client sent; a slug is the name people type, as on every other filter.
    const resource = q.resource && (s.resources.get(q.resource)?.uri ?? q.resource);
    ctx.body = s.flows.list({ ...q, resource });
  });
  router.get('/flows/:id', (ctx) => {
    const q = readQuery(ctx, FlowShowQuery);
    ctx.body = s.flows.get(param(ctx, 'id'), { reveal: q.reveal === true });
  });
  router.get('/flows/:id/har', (ctx) => {
    const q = readQuery(ctx, FlowShowQuery);
    const flow = s.flows.get(param(ctx, 'id'), { reveal: q.reveal === true });
    ctx.body = flowHar(flow, s.deps.config.issuer, VERSION);
  });
}
