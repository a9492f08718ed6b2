/**
 * Records every request into the activity log with its outcome and the warnings steps attached,
 * and (when recording is on) a request at an OAuth endpoint as a step of the flow timeline.
 */
import { responseHeader, type HttpContext, type Next } from './context';
import type { ActivityEntry, WarningCode } from '../contracts';
import { randomId } from '../domain/crypto';
import type { ActivityLog } from '../domain/activity';
import { iso, type Clock } from '../clock';
import type { Logger } from '../log';
import type { FlowLog } from '../flows/flowLog';
import { recordFlowStep, stepFailed } from './flowRecorder';
import { redirectQuery } from './redirectQuery';

export type Warn = { code: WarningCode; message: string };

export function warn(ctx: HttpContext, code: WarningCode, message: string): void {
  ((ctx.state.warnings ??= []) as Warn[]).push({ code, message });
}

/**
 * The `error` of an error redirect to the client, read with the URL parser: it never throws on a
 * bad escape (a registered redirect URI may carry `%FF` in its path or query), and it reads only
 * the query, so `/cb&error=x` in a path is not an error. A redirect that carries a `code` is a
 * success whatever else the registered URI holds.
 */
export function redirectErrorOf(location: string): string | undefined {
  const q = redirectQuery(location);
  if (!q) return undefined;
  return q.has('code') ? undefined : (q.get('error') ?? undefined);
}

function entryOf(ctx: HttpContext, clock: Clock, start: number): ActivityEntry {
  const err = ctx.state.oauthError as { error?: string; message?: string } | undefined;
  const status = ctx.status;
  // Errors sent to the client's redirect_uri are failures too.
  const redirectError = !err && (status === 302 || status === 303) ? redirectErrorOf(responseHeader(ctx, 'location')) : undefined;
  // Filled in place (same keys, same order as the base row): one object per request, not two.
  const entry = baseEntry(ctx, clock, start);
  entry.client_id = typeof ctx.state.clientId === 'string' ? ctx.state.clientId.slice(0, 300) : undefined;
  entry.error = err?.error ?? redirectError;
  entry.error_description = err?.message ?? (redirectError ? ctx.state.redirectErrorDescription : undefined);
  if (Array.isArray(ctx.state.warnings)) entry.warnings = ctx.state.warnings as Warn[];
  return entry;
}

/** What is known of every request without looking at what its steps left behind. */
function baseEntry(ctx: HttpContext, clock: Clock, start: number): ActivityEntry {
  return { id: randomId(), at: iso(clock.now()), method: String(ctx.method), path: String(ctx.path), status: ctx.status, duration_ms: Math.round((performance.now() - start) * 100) / 100, warnings: [] };
}

/**
 * Logging never changes an answer: the recorder runs around every request (in front of the error
 * handler), so anything it threw would replace the response with a bare 500. A row it cannot
 * build is recorded without the request's details, with a warning in the server log.
 */
export function activityRecorder(activity: ActivityLog, clock: Clock, log: Logger, skip: (path: string) => boolean, flows?: FlowLog) {
  const record = (ctx: HttpContext, start: number) => {
    try {
      const entry = entryOf(ctx, clock, start);
      activity.record(entry);
      if (flows) recordStep(flows, ctx, entry);
    } catch (e) {
      log.warn(`activity log: could not record ${ctx.method} ${ctx.path} (${(e as Error)?.message ?? String(e)}); recorded without its details`);
      try {
        activity.record(baseEntry(ctx, clock, start));
      } catch {
        // The log itself is broken; the warning above already says so.
      }
    }
  };
  // The flow timeline reads the same entry; its failure loses the step, never the request's row.
  const recordStep = (flows: FlowLog, ctx: HttpContext, entry: ActivityEntry) => {
    try {
      recordFlowStep(flows, ctx, entry, log);
    } catch (e) {
      stepFailed(log, entry, e);
    }
  };
  return async function recordActivity(ctx: HttpContext, next: Next) {
    if (skip(ctx.path)) return next();
    const start = performance.now();
    try {
      await next();
    } finally {
      record(ctx, start);
    }
  };
}
