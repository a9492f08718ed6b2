/**
 * The issuance filter keys and query string, without zod: the CLI imports these on every run,
 * and loading zod costs ~70 ms of a command's start-up.
 */
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
