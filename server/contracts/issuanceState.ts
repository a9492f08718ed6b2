/** An issuance's state at a time (zod-free: the store's query code and the fast CLI path use it). */
import type { Issuance, IssuanceState } from './issuances';

export function issuanceState(row: Issuance, now: number): IssuanceState {
  if (row.revoked_at) return 'revoked';
  return Date.parse(row.expires_at) <= now ? 'expired' : 'active';
}
