/**
 * The RFC 8693 §4.1 `act` claim of an exchanged token: the current actor, with the actors before
 * it nested inside (`act.act`). Only the outermost actor counts for access decisions; the inner
 * ones are the audit trail back to the agent the user consented to.
 */
import { z } from 'zod';

export interface ActClaim {
  sub: string;
  act?: ActClaim;
  [extra: string]: unknown;
}

export const ActClaim: z.ZodType<ActClaim> = z.lazy(() => z.object({ sub: z.string(), act: ActClaim.optional() }).catchall(z.unknown()));

/**
 * The product's limit on nested actors (the issuance row's agent_chain is capped at 8; an exchange
 * whose resulting chain is deeper than this is refused with invalid_request).
 */
export const MAX_ACT_DEPTH = 5;

/** Nesting levels: `{sub}` is 1, `{sub, act: {sub}}` is 2. */
export function actDepth(act: ActClaim | undefined): number {
  let n = 0;
  for (let a = act; a; a = a.act) n++;
  return n;
}

/** The actors outermost first (`[gateway, agent]`), each with its position explained. */
export function actChain(act: ActClaim | undefined): string[] {
  const out: string[] = [];
  for (let a = act; a; a = a.act) out.push(a.sub);
  return out;
}

/** Reads an `act` value from decoded claims: undefined unless it is a well-formed act object. */
export function readAct(value: unknown): ActClaim | undefined {
  const r = ActClaim.safeParse(value);
  return r.success ? r.data : undefined;
}
