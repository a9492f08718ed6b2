/**
 * Exchange lineage: every exchanged token's issuance row names its parent (`parent_jti`), so a
 * revocation reaches "every token exchanged from them, at any depth" (the product's consent
 * cascade). Children are found among the live exchanged rows only: an exchanged token lives at
 * most EXCHANGED_TOKEN_TTL, so older rows are expired and need no revocation.
 */
import { TOKEN_EXCHANGE_GRANT } from '../contracts/enums';
import type { Store } from '../store/types';

/** The product's `token_exchange.token_expiry` (1 h). */
export const EXCHANGED_TOKEN_TTL = 3600;

/** The jtis of live tokens exchanged from `roots`, directly or through other exchanged tokens. */
export async function exchangedDescendants(store: Store, roots: string[], now: number): Promise<string[]> {
  if (roots.length === 0) return [];
  const children = new Map<string, string[]>();
  let cursor: string | undefined;
  do {
    const page = await store.issuances.list({ grant: TOKEN_EXCHANGE_GRANT, state: 'active', since: now - (EXCHANGED_TOKEN_TTL + 60) * 1000, now, limit: 5000, cursor });
    for (const row of page.rows) if (row.parent_jti) children.set(row.parent_jti, [...(children.get(row.parent_jti) ?? []), row.jti]);
    cursor = page.next_cursor;
  } while (cursor);
  if (children.size === 0) return [];
  const out: string[] = [];
  const queue = [...roots];
  const seen = new Set(roots);
  while (queue.length) {
    for (const child of children.get(queue.shift()!) ?? []) {
      if (seen.has(child)) continue;
      seen.add(child);
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}
