/** What `authserver connect` reports as a plain message (no stack): the flow could not finish. */
export class ConnectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectError';
  }
}

/**
 * undici reports every network failure as "fetch failed" and keeps the reason (ECONNRESET,
 * a connect timeout…) in `cause`; the one-line report would lose it. Other errors pass through.
 */
export function withNetworkCause(err: unknown): unknown {
  if (!(err instanceof Error) || !/fetch failed$/.test(err.message)) return err;
  const reasons: string[] = [];
  for (let c: unknown = err.cause; c instanceof Error && reasons.length < 3; c = c.cause) {
    const code = (c as { code?: unknown }).code;
    reasons.push(typeof code === 'string' && !c.message.includes(code) ? `${code}: ${c.message}` : c.message);
  }
  return reasons.length ? new ConnectError(`${err.message} (${reasons.join('; ')})`) : err;
}
