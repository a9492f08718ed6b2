import { BoundedFetchError } from '../net/boundedFetch';

/** What `authserver connect` reports as a plain message (no stack): the flow could not finish. */
export class ConnectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectError';
  }
}

/** The bounded fetch's failure, wherever the SDK wrapped it. */
function boundedFailure(err: unknown): BoundedFetchError | undefined {
  for (let c = err, depth = 0; c instanceof Error && depth < 5; c = c.cause, depth++) if (c instanceof BoundedFetchError) return c;
  return undefined;
}

/** A request that outlasted its deadline (the server accepted it and never answered in full). */
export function timedOut(err: unknown): boolean {
  return boundedFailure(err)?.kind === 'timeout';
}

/**
 * A request that got no usable answer is reported with its URL (a timeout with the option that
 * sets the deadline). undici reports every network failure as "fetch failed" and keeps the reason
 * (ECONNRESET, a connect timeout…) in `cause`; the one-line report would lose it. Other errors
 * pass through.
 */
export function withNetworkCause(err: unknown): unknown {
  const failure = boundedFailure(err);
  if (failure?.kind === 'timeout') return new ConnectError(`${failure.message} (the deadline of each request; raise it with --timeout)`);
  if (failure) return new ConnectError(failure.message);
  if (!(err instanceof Error) || !/fetch failed$/.test(err.message)) return err;
  const reasons: string[] = [];
  for (let c: unknown = err.cause; c instanceof Error && reasons.length < 3; c = c.cause) {
    const code = (c as { code?: unknown }).code;
    reasons.push(typeof code === 'string' && !c.message.includes(code) ? `${code}: ${c.message}` : c.message);
  }
  return reasons.length ? new ConnectError(`${err.message} (${reasons.join('; ')})`) : err;
}
