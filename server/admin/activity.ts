/** /admin/api/activity: the request log (newest first), optionally only problems or one client. */
import type { Routes } from '../http/routes';
import { ActivityQuery } from '../contracts/adminQueries';
import type { Services } from '../domain/services';
import { readQuery } from './query';

export function activityRoutes(router: Routes, s: Services): void {
  router.get('/activity', (ctx) => {
    const q = readQuery(ctx, ActivityQuery);
    ctx.body = s.activity.list(q.limit, { client_id: q.client_id, onlyProblems: q.problems === true });
  });
}
