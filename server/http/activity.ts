/** Records every request into the activity log with its outcome and the warnings steps attached. */
import type { HttpContext, Next } from './context';
import type { WarningCode } from '../contracts';
import { randomId } from '../domain/crypto';
import type { ActivityLog } from '../domain/activity';
import { iso, type Clock } from '../clock';

export type Warn = { code: WarningCode; message: string };

export function warn(ctx: HttpContext, code: WarningCode, message: string): void {
  ((ctx.state.warnings ??= []) as Warn[]).push({ code, message });
}

export function activityRecorder(log: ActivityLog, clock: Clock, skip: (path: string) => boolean) {
  return async function recordActivity(ctx: HttpContext, next: Next) {
    if (skip(ctx.path)) return next();
    const start = performance.now();
    try {
      await next();
    } finally {
      const err = ctx.state.oauthError as { error?: string; message?: string } | undefined;
      let status = ctx.status;
      if (status === 302 || status === 303) {
        // Errors sent to the client's redirect_uri are failures too.
        const loc = ctx.response.get('location');
        const m = /[?&]error=([^&]+)/.exec(loc);
        if (m && !ctx.state.oauthError) ctx.state.redirectError = decodeURIComponent(m[1]!);
      }
      log.record({
        id: randomId(),
        at: iso(clock.now()),
        method: ctx.method,
        path: ctx.path,
        status,
        duration_ms: Math.round((performance.now() - start) * 100) / 100,
        client_id: typeof ctx.state.clientId === 'string' ? ctx.state.clientId.slice(0, 300) : undefined,
        error: err?.error ?? ctx.state.redirectError,
        error_description: err?.message ?? ctx.state.redirectErrorDescription,
        warnings: (ctx.state.warnings ?? []) as Warn[],
      });
    }
  };
}
