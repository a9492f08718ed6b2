/**
 * Where the OAuth endpoints consult the armed faults (server/domain/faults.ts). A firing fault
 * answers in the endpoint's own style: it throws an OAuthError, which the endpoint's error path
 * renders as the real errors are (JSON; for /oauth/authorize a redirect once the redirect URI is
 * trusted, a page before), or it delays the request and lets it through.
 */
import type { Context, Next } from 'koa';
import type { Fault, FaultEndpoint } from '../contracts/faults';
import type { FaultMatch, FaultService } from '../domain/faults';
import { OAuthError } from '../errors';
import type { HttpContext } from '../http/context';
import { readForm } from '../http/body';
import { readCredentials } from './token/clientAuth';

/** A fault's answer: the status an error code has when AuthPlane itself sends it. */
const ERROR_STATUS: Record<string, number> = { invalid_client: 401, access_denied: 403, server_error: 500, temporarily_unavailable: 503 };

/** The error a firing fault answers with (exported for the tests' pinned descriptions). */
export class FaultError extends OAuthError {
  constructor(f: Fault) {
    const status = f.status ?? ERROR_STATUS[f.error!] ?? 400;
    const code = f.error ?? (status === 503 ? 'temporarily_unavailable' : status >= 500 ? 'server_error' : 'invalid_request');
    super(code, f.error_description ?? `injected by AuthPlane fault ${f.id} on the ${f.endpoint} endpoint`, status);
    this.name = 'FaultError';
    // A chosen status is what is under test: never turned into a redirect.
    if (f.status !== undefined) this.allowRedirect = false;
    if (code === 'invalid_client') this.headers['WWW-Authenticate'] = 'Basic realm="authplane"';
  }
}

// Unref'd: a delayed request must not hold a stopping server's process open.
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());

/** Fires the first matching fault, if any: throws its error, or waits its delay. */
export async function consultFaults(faults: FaultService, endpoint: FaultEndpoint, ctx: HttpContext, match: () => FaultMatch | Promise<FaultMatch>): Promise<void> {
  if (!faults.has(endpoint)) return;
  // Read even for a fault that is not narrowed: the flow timeline links the step it answers by
  // what the request carried (its refresh token, its code). A body that cannot be read is the
  // endpoint's to refuse, unless a narrowed fault needs it to decide.
  const narrowed = faults.narrowed(endpoint);
  const m = await Promise.resolve()
    .then(match)
    .catch((err: unknown) => {
      if (narrowed) throw err;
      return {};
    });
  const fault = faults.fire(endpoint, m, { method: ctx.method, path: ctx.path });
  if (!fault) return;
  // The flow timeline shows which fault answered (or delayed) this step.
  ctx.state.faultId = fault.id;
  if (fault.delay_ms !== undefined) await sleep(fault.delay_ms);
  else throw new FaultError(fault);
}

/** grant_type and client of a form-posting endpoint (token, revoke, introspect). */
async function formMatch(ctx: HttpContext): Promise<FaultMatch> {
  if (!ctx.is('application/x-www-form-urlencoded')) return {};
  const { params } = await readForm(ctx);
  let clientId: string | undefined;
  try {
    clientId = readCredentials(ctx, params).clientId;
  } catch {
    // Malformed credentials match no client-narrowed fault; the endpoint itself says what is wrong.
  }
  return { grant_type: params.grant_type, client_id: clientId };
}

/** The route middleware in front of an endpoint (all but authorize, which consults in its steps). */
export function faultStep(faults: FaultService, endpoint: FaultEndpoint) {
  return function checkFaults(ctx: Context, next: Next): Promise<void> {
    // Nothing armed on the endpoint (the usual case): straight on, without a promise of its own.
    if (!faults.has(endpoint)) return next();
    return consultFaults(faults, endpoint, ctx, () => formMatch(ctx)).then(() => next());
  };
}
