/**
 * One page of the issuance log as the admin API answers it (zod-free: the CLI's offline fast
 * path reads the log with this same function, so both print the same rows and cursor).
 */
import type { Issuance, IssuanceState } from '../contracts/issuances';
import type { IssuanceFilterKey } from '../contracts/issuanceQuery';
import { withState } from '../contracts/issuanceState';
import { sinceInstant } from '../contracts/since';
import { InvalidRequest } from '../errors';
import type { IssuanceLog } from '../store/types';

export type IssuanceRow = Issuance & { state: IssuanceState };
export interface IssuancePage {
  issuances: IssuanceRow[];
  /** Pass back as `cursor` for the next (older) page; null on the last page. */
  next_cursor: string | null;
}

/** A validated query: filters, page size, and `since` still as the user wrote it. */
export type PageQuery = Partial<Record<IssuanceFilterKey | 'since' | 'cursor', string>> & { limit: number };

/** Newest first. `since` is ignored with `jti`, as in the product (a token id names one row). */
export async function issuancePage(log: Pick<IssuanceLog, 'list'>, q: PageQuery, now: number): Promise<IssuancePage> {
  let since: number | undefined;
  if (q.since !== undefined && q.jti === undefined) {
    const r = sinceInstant(q.since, now);
    if ('error' in r) throw new InvalidRequest(r.error);
    since = r.at;
  }
  const page = await log.list({
    resource: q.resource,
    client: q.client,
    sub: q.sub,
    grant: q.grant as Issuance['grant'] | undefined,
    state: q.state as IssuanceState | undefined,
    jti: q.jti,
    cursor: q.cursor,
    limit: q.limit,
    since,
    now,
  });
  return { issuances: page.rows.map((r) => withState(r, now)), next_cursor: page.next_cursor ?? null };
}
