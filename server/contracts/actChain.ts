/**
 * The RFC 8693 §4.1 `act` claim of an exchanged token, zod-free (the CLI's fast paths and the
 * SDK-free renderer code use it): the current actor, the actors before it nested inside
 * (`act.act`). Only the outermost actor counts for access decisions; the inner ones are the
 * audit trail back to the agent the user consented to.
 */
export interface ActClaim {
  sub: string;
  /** As the product writes it: `agent` for the client the user consented to, `service` for a gateway. */
  actor_type?: 'agent' | 'service';
  act?: ActClaim;
  [extra: string]: unknown;
}

/**
 * The longest act chain an exchange may produce; deeper is refused with invalid_request. The
 * product caps a token's `agent_chain` (root to current) at 8, and that chain is the act chain.
 */
export const MAX_ACT_DEPTH = 8;

/** Nesting levels: `{sub}` is 1, `{sub, act: {sub}}` is 2. */
export function actDepth(act: ActClaim | undefined): number {
  let n = 0;
  for (let a = act; a; a = a.act) n++;
  return n;
}

/** The product's `agent_chain` claim: the actors root to current (`[agent, gateway]`). */
export const agentChain = (act: ActClaim | undefined): string[] => actChain(act).reverse();

/** The actors outermost first (`[gateway, agent]`). */
export function actChain(act: ActClaim | undefined): string[] {
  const out: string[] = [];
  for (let a = act; a; a = a.act) out.push(a.sub);
  return out;
}
