/** /admin/api/audit: the audit trail (audit/*.jsonl), newest first, filtered. */
import type Router from '@koa/router';
import type { Services } from '../domain/services';
import { queryParams } from '../http/body';
import { listAudit } from './ops';

export function auditRoutes(router: Router, s: Services): void {
  router.get('/audit', async (ctx) => {
    ctx.body = await listAudit(s, queryParams(ctx).params);
  });
}
