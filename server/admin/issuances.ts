/** /admin/api/issuances: one row per token issued, newest first; revocation of tokens and families. */
import type Router from '@koa/router';
import type { Services } from '../domain/services';
import { param, query } from './http';
import { getIssuance, listIssuances, revokeFamily, revokeIssuance } from './ops';

export function issuanceRoutes(router: Router, s: Services): void {
  router.get('/issuances', async (ctx) => {
    ctx.body = await listIssuances(s, query(ctx));
  });
  router.get('/issuances/:jti', async (ctx) => {
    ctx.body = await getIssuance(s, param(ctx, 'jti'));
  });
  router.post('/issuances/:jti/revoke', async (ctx) => {
    ctx.body = await revokeIssuance(s, param(ctx, 'jti'));
  });
  router.post('/families/:id/revoke', async (ctx) => {
    ctx.body = await revokeFamily(s, param(ctx, 'id'));
  });
}
