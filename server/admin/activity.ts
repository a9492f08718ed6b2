/** /admin/api/activity: the request log (newest first), optionally only problems or one client. */
import type Router from '@koa/router';
import type { Services } from '../domain/services';
import { InvalidRequest } from '../errors';
import { query } from './http';

export function activityRoutes(router: Router, s: Services): void {
  router.get('/activity', (ctx) => {
    const q = query(ctx);
    const limit = q.limit === undefined ? 200 : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 2000) throw new InvalidRequest('limit must be an integer from 1 to 2000');
    ctx.body = s.activity.list(limit, { client_id: q.client_id, onlyProblems: q.problems === 'true' || q.problems === '1' });
  });
}
