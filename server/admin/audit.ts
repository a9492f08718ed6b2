/** /admin/api/audit: the audit trail (audit/*.jsonl), newest first, filtered. */
import type { Routes } from '../http/routes';
import type { Services } from '../domain/services';
import { queryParams } from '../http/body';
import { listAudit } from './ops';

export function auditRoutes(router: Routes, s: Services): void {
  router.get('/audit', async (ctx) => {
    ctx.body = await listAudit(s, queryParams(ctx).params);
  });
}
