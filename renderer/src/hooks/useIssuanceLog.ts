/**
 * The rows the issuance log shows: the first page for the current filters, later pages on
 * demand (cursor), and live changes from the event stream (new tokens on top, revocations in
 * place), applied once per frame so a load test's thousands of tokens a second keep the window
 * smooth.
 */
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import type { Issuance, IssuanceFilterKey } from '../../../server/contracts';
import { api, type IssuanceQuery, type IssuanceRow } from '../api/admin';
import { useAppEventBatches } from '../api/hooks';
import { useToast } from '../components/toast';

export const FIRST_PAGE = 200;
const NEXT_PAGE = 1000;
export const ROW_HEIGHT = 36;

export type IssuanceFilters = Partial<Record<IssuanceFilterKey, string>>;

/** Whether a token issued just now belongs in the filtered list (a new token is active). */
function matches(row: Issuance, f: IssuanceFilters): boolean {
  return (!f.resource || row.resource === f.resource) && (!f.client || row.client_id === f.client) && (!f.sub || row.sub === f.sub) && (!f.grant || row.grant === f.grant) && (!f.jti || row.jti === f.jti) && (!f.state || f.state === 'active');
}

export interface IssuanceLogHooks {
  /** The filters changed: a new first page is loading. */
  onReset: () => void;
  /** `n` rows were inserted on top. */
  onAdded: (n: number) => void;
  /** Rows were revoked: `revoke` gives a row its new state (the same row when unaffected). */
  onRevoked: (revoke: (row: IssuanceRow) => IssuanceRow) => void;
}

export function useIssuanceLog(filters: IssuanceFilters, scrollRef: RefObject<HTMLDivElement | null>, hooks: IssuanceLogHooks) {
  const fkey = JSON.stringify(filters);
  const toast = useToast();
  const [rows, setRows] = useState<IssuanceRow[]>([]);
  const rowsRef = useRef(rows);
  rowsRef.current = rows;
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<Error>();
  const [fresh, setFresh] = useState<Set<string>>(() => new Set());
  const [liveCount, setLiveCount] = useState(0);
  const loadingMore = useRef(false);
  const gen = useRef(0);
  const hooksRef = useRef(hooks);
  hooksRef.current = hooks;

  // First page whenever the filters change.
  useEffect(() => {
    const g = ++gen.current;
    const ac = new AbortController();
    setLoading(true);
    setError(undefined);
    setLiveCount(0);
    hooksRef.current.onReset();
    api.issuances({ ...(filters as IssuanceQuery), limit: FIRST_PAGE }, ac.signal).then(
      (page) => {
        if (g !== gen.current) return;
        setRows(page.issuances);
        setCursor(page.next_cursor);
        setLoading(false);
        scrollRef.current?.scrollTo({ top: 0 });
      },
      (e: Error) => {
        if (g !== gen.current || e.name === 'AbortError') return;
        setError(e);
        setLoading(false);
      },
    );
    return () => ac.abort();
  }, [fkey]); // eslint-disable-line react-hooks/exhaustive-deps

  const loadMore = useCallback(() => {
    if (!cursor || loadingMore.current) return;
    loadingMore.current = true;
    const g = gen.current;
    api.issuances({ ...(filters as IssuanceQuery), limit: NEXT_PAGE, cursor }).then(
      (page) => {
        loadingMore.current = false;
        if (g !== gen.current) return;
        setRows((xs) => {
          const have = new Set(xs.slice(-NEXT_PAGE * 2).map((x) => x.jti));
          return xs.concat(page.issuances.filter((x) => !have.has(x.jti)));
        });
        setCursor(page.next_cursor);
      },
      (e: Error) => {
        loadingMore.current = false;
        toast({ kind: 'error', title: 'Could not load more issuances', detail: e.message });
      },
    );
  }, [cursor, filters, toast]);

  // New tokens on top (keeping the viewport still when scrolled), revocations in place.
  useAppEventBatches(['token.issued', 'token.revoked', 'family.revoked'], (events) => {
    const added: IssuanceRow[] = [];
    const revokedJti = new Map<string, { at: string; reason: string }>();
    const revokedFamily = new Map<string, { at: string; reason: string }>();
    for (const e of events) {
      if (e.type === 'token.issued') {
        if (matches(e.data.issuance, filters)) added.push({ ...e.data.issuance, state: 'active' });
      } else if (e.type === 'token.revoked') revokedJti.set(e.data.jti, { at: e.at, reason: e.data.reason });
      else revokedFamily.set(e.data.family_id, { at: e.at, reason: e.data.reason });
    }
    const revocationOf = (x: IssuanceRow) => (x.revoked_at ? undefined : revokedJti.get(x.jti) ?? (x.family_id ? revokedFamily.get(x.family_id) : undefined));
    const revoke = (x: IssuanceRow): IssuanceRow => {
      const r = revocationOf(x);
      return r ? { ...x, revoked_at: r.at, revoked_reason: r.reason, state: 'revoked' } : x;
    };
    const revoking = revokedJti.size > 0 || revokedFamily.size > 0;
    // A token can be both in the first page and in an event: it would be among the newest rows.
    const newest = (xs: IssuanceRow[], n: number) => new Set(xs.slice(0, FIRST_PAGE + n).map((x) => x.jti));
    const seen = newest(rowsRef.current, added.length);
    const inserted = added.filter((x) => !seen.has(x.jti)).reverse();
    setRows((xs) => {
      const head = newest(xs, inserted.length);
      const front = inserted.filter((x) => !head.has(x.jti)).map(revoke);
      const rest = revoking ? xs.map(revoke) : xs;
      return front.length ? front.concat(rest) : rest;
    });
    if (revoking) hooksRef.current.onRevoked(revoke);
    const n = inserted.length;
    if (!n) return;
    const marked = inserted.slice(0, 200).map((x) => x.jti);
    setFresh((s) => new Set([...s, ...marked]));
    setLiveCount((c) => c + n);
    hooksRef.current.onAdded(n);
    const el = scrollRef.current;
    if (el && el.scrollTop > 0) el.scrollTop += n * ROW_HEIGHT;
    setTimeout(() => setFresh((s) => (marked.some((j) => s.has(j)) ? new Set([...s].filter((j) => !marked.includes(j))) : s)), 1700);
  });

  return { rows, cursor, loading, error, fresh, liveCount, loadMore };
}
