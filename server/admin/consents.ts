/** /admin/api/consents: remembered consent grants; revoking one cascades to its tokens. */
import type Router from '@koa/router';
import type { Services } from '../domain/services';
import { param, query } from './http';
import { listConsents } from './ops';

export function consentRoutes(router: Router, s: Services): void {
  router.get('/consents', (ctx) => {
    const q = query(ctx);
    ctx.body = listConsents(s, { sub: q.sub, client_id: q.client_id, resource: q.resource, include_revoked: q.include_revoked === 'true' || q.include_revoked === '1' });
  });
  router.delete('/consents/:id', async (ctx) => {
    ctx.body = await s.consents.revoke(param(ctx, 'id'));
  });
}
