/** An issuance's state at a time (zod-free: the store's query code and the fast CLI path use it). */
import type { Issuance, IssuanceState } from './issuances';

export function issuanceState(row: Issuance, now: number): IssuanceState {
  if (row.revoked_at) return 'revoked';
  return Date.parse(row.expires_at) <= now ? 'expired' : 'active';
}

/** The row as the admin API and the CLI show it: with its state at `now`. */
export const withState = <R extends Issuance>(row: R, now: number): R & { state: IssuanceState } => ({ ...row, state: issuanceState(row, now) });
