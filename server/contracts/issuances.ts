/** The issuance log: one row per token AuthPlane returned, written to disk before the response. */
import { z } from 'zod';
import { GrantType, IsoTime } from './common';

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
  issued_at: IsoTime,
  expires_at: IsoTime,
  revoked_at: IsoTime.optional(),
  revoked_reason: z.string().optional(),
});
export type Issuance = z.infer<typeof Issuance>;

export const IssuanceState = z.enum(['active', 'expired', 'revoked']);
export type IssuanceState = z.infer<typeof IssuanceState>;

export const IssuanceFilter = z.object({
  resource: z.string().optional(),
  client: z.string().optional(),
  sub: z.string().optional(),
  grant: GrantType.optional(),
  jti: z.string().optional(),
  state: IssuanceState.optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(50),
  /** Opaque cursor from a previous page (`next_cursor`). */
  cursor: z.string().optional(),
});
export type IssuanceFilter = z.input<typeof IssuanceFilter>;

/** The fields an issuance list is filtered by, in query-string order. */
export const ISSUANCE_FILTER_KEYS = ['resource', 'client', 'sub', 'grant', 'state', 'jti'] as const;
export type IssuanceFilterKey = (typeof ISSUANCE_FILTER_KEYS)[number];

/** GET /admin/api/issuances's query as callers (the UI, the CLI) write it; IssuanceFilter parses it. */
export type IssuanceQuery = Partial<Record<IssuanceFilterKey | 'cursor', string>> & { limit?: number };

/** `?resource=…&limit=…` for GET /admin/api/issuances (blank and absent values left out), or ''. Browser-safe. */
export function issuanceQueryString(q: IssuanceQuery): string {
  const p = new URLSearchParams();
  for (const k of [...ISSUANCE_FILTER_KEYS, 'limit', 'cursor'] as const) {
    const v = q[k];
    if (v !== undefined && v !== '') p.set(k, String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

export function issuanceState(row: Issuance, now: number): IssuanceState {
  if (row.revoked_at) return 'revoked';
  return Date.parse(row.expires_at) <= now ? 'expired' : 'active';
}
