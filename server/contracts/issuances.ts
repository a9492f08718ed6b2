/** The issuance log: one row per token AuthPlane returned, written to disk before the response. */
import { ISSUANCE_STATES } from './enums';
import { z } from 'zod';
import { GrantType, IsoTime } from './common';
import { ActClaim } from './act';

export const Issuance = z.object({
  jti: z.string(),
  sub: z.string(),
  client_id: z.string(),
  resource: z.string().describe('resource slug'),
  aud: z.string(),
  scope: z.string(),
  grant: GrantType,
  /** Refresh family the token belongs to (auth-code and refresh grants). */
  family_id: z.string().optional(),
  kid: z.string().optional(),
  /** Token exchange (RFC 8693): the jti of the subject token this one was exchanged from. */
  parent_jti: z.string().optional(),
  /** Token exchange: the `act` claim of the issued token (gateway outermost, the agent inside). */
  act: ActClaim.optional(),
  issued_at: IsoTime,
  expires_at: IsoTime,
  revoked_at: IsoTime.optional(),
  revoked_reason: z.string().optional(),
});
export type Issuance = z.infer<typeof Issuance>;

export const IssuanceState = z.enum(ISSUANCE_STATES);
export type IssuanceState = z.infer<typeof IssuanceState>;


/** The fields an issuance list is filtered by, in query-string order. */
export { ISSUANCE_FILTER_KEYS, issuanceQueryParams, issuanceQueryString, type IssuanceFilterKey, type IssuanceQuery } from './issuanceQuery';

export { issuanceState } from './issuanceState';
