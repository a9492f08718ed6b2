/**
 * The issuance filter keys and query string, without zod: the CLI imports these on every run,
 * and loading zod costs ~70 ms of a command's start-up.
 */
export const ISSUANCE_FILTER_KEYS = ['resource', 'client', 'sub', 'grant', 'state', 'jti'] as const;
export type IssuanceFilterKey = (typeof ISSUANCE_FILTER_KEYS)[number];

/** GET /admin/api/issuances's query as callers (the UI, the CLI) write it; IssuanceFilter parses it. */
export type IssuanceQuery = Partial<Record<IssuanceFilterKey | 'since' | 'cursor', string>> & { limit?: number };

/** The query as GET /admin/api/issuances's parameters (blank and absent values left out). */
export function issuanceQueryParams(q: IssuanceQuery): Record<string, string> {
  const p: Record<string, string> = {};
  for (const k of [...ISSUANCE_FILTER_KEYS, 'since', 'limit', 'cursor'] as const) {
    const v = q[k];
    if (v !== undefined && v !== '') p[k] = String(v);
  }
  return p;
}

/** `?resource=…&limit=…` for GET /admin/api/issuances, or ''. Browser-safe. */
export function issuanceQueryString(q: IssuanceQuery): string {
  const s = new URLSearchParams(issuanceQueryParams(q)).toString();
  return s ? `?${s}` : '';
}
