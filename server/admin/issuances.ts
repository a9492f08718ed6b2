/** /admin/api/issuances: one row per token issued, newest first; revocation of tokens and families. */
import type { Routes } from '../http/routes';
import type { Services } from '../domain/services';
import { param } from './http';
import { getIssuance, listIssuances, revokeFamily, revokeIssuance } from './ops';
import { noQuery } from './query';
import { queryParams } from '../http/body';

export function issuanceRoutes(router: Routes, s: Services): void {
  router.get('/issuances', async (ctx) => {
    ctx.body = await listIssuances(s, queryParams(ctx).params);
  });
  router.get('/issuances/:jti', noQuery, async (ctx) => {
    ctx.body = await getIssuance(s, param(ctx, 'jti'));
  });
  router.post('/issuances/:jti/revoke', noQuery, async (ctx) => {
    ctx.body = await revokeIssuance(s, param(ctx, 'jti'));
  });
  router.post('/families/:id/revoke', noQuery, async (ctx) => {
    ctx.body = await revokeFamily(s, param(ctx, 'id'));
  });
}
