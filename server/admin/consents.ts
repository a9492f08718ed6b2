/** /admin/api/consents: remembered consent grants; revoking one cascades to its tokens. */
import type { Routes } from '../http/routes';
import type { Services } from '../domain/services';
import { ConsentListQuery } from '../contracts/adminQueries';
import { param } from './http';
import { listConsents } from './ops';
import { noQuery, readQuery } from './query';

export function consentRoutes(router: Routes, s: Services): void {
  router.get('/consents', (ctx) => {
    ctx.body = listConsents(s, readQuery(ctx, ConsentListQuery));
  });
  router.delete('/consents/:id', noQuery, async (ctx) => {
    ctx.body = await s.consents.revoke(param(ctx, 'id'));
  });
}
