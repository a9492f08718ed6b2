/**
 * How `issuance list` prints, whichever way it reached the log (the running server's admin API,
 * or the store's issuance reader with no server): both ports hand it the same pages.
 *
 * - table: one page and, when there is more, `more: --cursor <c>`;
 * - json: `{"issuances":[…],"next_cursor":…}` (null on the last page);
 * - all: every matching row, one JSON object per line, following the cursor to the end.
 */
import type { IssuanceQuery } from '../contracts/issuanceQuery';
import type { IssuancePage } from '../admin/issuancePage';
import { issuanceTable } from './issuanceFormat';

export type ListMode = 'table' | 'json' | 'all';
/** Writes text to stdout, resolving once the pipe accepted it (a slow reader pauses the listing). */
export type Write = (text: string) => Promise<void>;

/** Page size for `--all` when no --limit is given: large pages, few round trips. */
export const ALL_PAGE = 1000;

export async function printIssuanceList(list: (q: IssuanceQuery) => Promise<IssuancePage>, q: IssuanceQuery, mode: ListMode, write: Write): Promise<void> {
  if (mode !== 'all') {
    const page = await list(q);
    if (mode === 'json') return write(`${JSON.stringify({ issuances: page.issuances, next_cursor: page.next_cursor }, null, 2)}\n`);
    return write(`${issuanceTable(page.issuances)}\n${page.next_cursor ? `more: --cursor ${page.next_cursor}\n` : ''}`);
  }
  let cursor = q.cursor;
  for (;;) {
    const page = await list({ ...q, cursor });
    if (page.issuances.length) await write(page.issuances.map((r) => `${JSON.stringify(r)}\n`).join(''));
    if (!page.next_cursor) return;
    cursor = page.next_cursor;
  }
}

/** A Write on process.stdout that waits for 'drain' when the pipe is full. */
export const stdoutWrite: Write = (text) =>
  new Promise((resolve, reject) => {
    process.stdout.write(text, (err) => (err ? reject(err) : resolve()));
  });
