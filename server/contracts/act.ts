/** The `act` claim's schema (zod); the plain helpers live in ./actChain (zod-free). */
import { z } from 'zod';
import type { ActClaim as ActClaimType } from './actChain';

export { actChain, actDepth, agentChain, MAX_ACT_DEPTH } from './actChain';
export type ActClaim = ActClaimType;

export const ActClaim: z.ZodType<ActClaimType> = z.lazy(() => z.object({ sub: z.string(), act: ActClaim.optional() }).catchall(z.unknown()));

/** Reads an `act` value from decoded claims: undefined unless it is a well-formed act object. */
export function readAct(value: unknown): ActClaimType | undefined {
  const r = ActClaim.safeParse(value);
  return r.success ? r.data : undefined;
}
