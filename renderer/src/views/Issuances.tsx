/**
 * The issuance log: every token AuthPlane issued, newest first, live. Server-side filters and
 * cursor pagination (pages load as you scroll), a virtualized grid (a few dozen DOM rows
 * whatever the count), keyboard navigation, and a drawer with the decoded token.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { ISSUANCE_FILTER_KEYS, type Issuance, type IssuanceFilterKey } from '../../../server/contracts';
import { api, type IssuanceQuery, type IssuanceRow } from '../api/admin';
import { useAppEventBatches, useLoad, useNow } from '../api/hooks';
import { clientOptions, FilterSelect, GridRow, VirtualGrid } from '../components/grid';
import { IconBan, IconFamily, IconFilterOff, IconList, IconSearch } from '../components/icons';
import { TimeCell } from '../components/time';
import { useToast } from '../components/toast';
import { Badge, Button, CodeBlock, Confirm, EmptyState, ErrorNote, Json, Modal, PageHeader, Segmented } from '../components/ui';
import { href, itemPath, navigate, type Route } from '../lib/router';
import { ago, localDate, relative } from '../lib/time';
import { useCatalog } from '../state/catalog';

const FIRST_PAGE = 200;
const NEXT_PAGE = 1000;
const ROW_HEIGHT = 36;

type State = 'active' | 'expired' | 'revoked';
type Filters = Partial<Record<IssuanceFilterKey, string>>;

function filtersOf(route: Route): Filters {
  const f: Filters = {};
  for (const k of ISSUANCE_FILTER_KEYS) {
    const v = route.query.get(k);
    if (v) f[k] = v;
  }
  return f;
}

const stateAt = (r: IssuanceRow, now: number): State => (r.revoked_at ? 'revoked' : Date.parse(r.expires_at) <= now ? 'expired' : 'active');

function matches(row: Issuance, f: Filters): boolean {
  return (!f.resource || row.resource === f.resource) && (!f.client || row.client_id === f.client) && (!f.sub || row.sub === f.sub) && (!f.grant || row.grant === f.grant) && (!f.jti || row.jti === f.jti) && (!f.state || f.state === 'active');
}

const GRANT_LABEL: Record<string, string> = { authorization_code: 'auth code', refresh_token: 'refresh', client_credentials: 'client creds' };
const GRANT_OPTIONS = [
  { value: 'authorization_code', label: 'Authorization code' },
  { value: 'refresh_token', label: 'Refresh token' },
  { value: 'client_credentials', label: 'Client credentials' },
];

export function IssuancesView({ route }: { route: Route }) {
  const filters = useMemo(() => filtersOf(route), [route.query.toString()]); // eslint-disable-line react-hooks/exhaustive-deps
  const fkey = JSON.stringify(filters);
  const { resources, clients, users } = useCatalog();
  const toast = useToast();
  const now = useNow(10_000);
  const status = useLoad(api.status, [], []);
  const [rows, setRows] = useState<IssuanceRow[]>([]);
  const rowsRef = useRef(rows);
  rowsRef.current = rows;
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<Error>();
  const [fresh, setFresh] = useState<Set<string>>(() => new Set());
  const [selected, setSelected] = useState(-1);
  const [open, setOpen] = useState<IssuanceRow | null>(null);
  const [liveCount, setLiveCount] = useState(0);
  const loadingMore = useRef(false);
  const gen = useRef(0);
  const scrollRef = useRef<HTMLDivElement>(null);
  const [jtiInput, setJtiInput] = useState(filters.jti ?? '');

  useEffect(() => setJtiInput(filters.jti ?? ''), [filters.jti]);

  const setFilter = useCallback(
    (k: keyof Filters, v: string | undefined) => {
      const next: Record<string, string | undefined> = { ...filters, [k]: v || undefined };
      navigate('/issuances', next, true);
    },
    [filters],
  );

  // First page whenever the filters change.
  useEffect(() => {
    const g = ++gen.current;
    const ac = new AbortController();
    setLoading(true);
    setError(undefined);
    setSelected(-1);
    setLiveCount(0);
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

  const virt = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 14 });
  const items = virt.getVirtualItems();
  const lastIndex = items.length ? items[items.length - 1]!.index : 0;
  useEffect(() => {
    if (cursor && rows.length && lastIndex >= rows.length - 60) loadMore();
  }, [lastIndex, rows.length, cursor, loadMore]);

  // Mark the first paint of real rows (scripts/bench-ui.mjs reads it).
  const marked = useRef(false);
  useLayoutEffect(() => {
    if (marked.current || loading) return;
    marked.current = true;
    performance.mark('authplane:issuances-rendered');
    requestAnimationFrame(() => performance.mark('authplane:issuances-painted'));
  }, [loading]);

  // Live: new tokens on top (keeping the viewport still when scrolled), revocations in place;
  // applied once per frame, so a load test's thousands of tokens a second keep the window smooth.
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
    const fresh = added.filter((x) => !seen.has(x.jti)).reverse();
    setRows((xs) => {
      const head = newest(xs, fresh.length);
      const front = fresh.filter((x) => !head.has(x.jti)).map(revoke);
      const rest = revoking ? xs.map(revoke) : xs;
      return front.length ? front.concat(rest) : rest;
    });
    if (revoking) setOpen((o) => (o ? revoke(o) : o));
    const n = fresh.length;
    if (!n) return;
    const marked = fresh.slice(0, 200).map((x) => x.jti);
    setFresh((s) => new Set([...s, ...marked]));
    setLiveCount((c) => c + n);
    setSelected((i) => (i >= 0 ? i + n : i));
    const el = scrollRef.current;
    if (el && el.scrollTop > 0) el.scrollTop += n * ROW_HEIGHT;
    setTimeout(() => setFresh((s) => (marked.some((j) => s.has(j)) ? new Set([...s].filter((j) => !marked.includes(j))) : s)), 1700);
  });

  const clientName = useMemo(() => new Map(clients.map((c) => [c.client_id, c.client_name])), [clients]);
  const resourceName = useMemo(() => new Map(resources.map((r) => [r.slug, r.display_name])), [resources]);

  const moveTo = (i: number) => {
    const n = Math.max(0, Math.min(rows.length - 1, i));
    setSelected(n);
    virt.scrollToIndex(n, { align: 'auto' });
  };
  const onKey = (e: KeyboardEvent) => {
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / ROW_HEIGHT) - 1);
    const map: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page, j: 1, k: -1 };
    if (e.key in map) {
      e.preventDefault();
      moveTo((selected < 0 ? -1 : selected) + map[e.key]!);
    } else if (e.key === 'Home') {
      e.preventDefault();
      moveTo(0);
    } else if (e.key === 'End') {
      e.preventDefault();
      moveTo(rows.length - 1);
    } else if (e.key === 'Enter' && selected >= 0 && rows[selected]) {
      e.preventDefault();
      setOpen(rows[selected]!);
    }
  };

  const total = status.data?.counts.issuances;
  const filtered = Object.keys(filters).length > 0;
  const applyJti = () => setFilter('jti', jtiInput.trim() || undefined);

  return (
    <div className="page fill">
      <PageHeader
        title="Issuance log"
        description="Every token AuthPlane issued, newest first. New tokens appear as they are issued."
        actions={liveCount > 0 ? <Badge tone="green" dot>{`${liveCount} new`}</Badge> : undefined}
      />
      <div className="page-body fill">
        <div className="toolbar" role="search" aria-label="Filter issuances">
          <form
            className="input-icon grow"
            onSubmit={(e) => {
              e.preventDefault();
              applyJti();
            }}
          >
            <IconSearch />
            <input className="input mono sm" type="search" placeholder="Find by jti (exact)…" aria-label="Search by jti" value={jtiInput} onChange={(e) => setJtiInput(e.target.value)} onBlur={() => jtiInput.trim() !== (filters.jti ?? '') && applyJti()} />
          </form>
          <FilterSelect label="Filter by resource" all="All resources" value={filters.resource ?? ''} onChange={(v) => setFilter('resource', v)} options={resources.map((r) => ({ value: r.slug, label: r.display_name }))} />
          <FilterSelect label="Filter by client" all="All clients" value={filters.client ?? ''} onChange={(v) => setFilter('client', v)} options={clientOptions(clients)} />
          <FilterSelect label="Filter by user" all="All users" value={filters.sub ?? ''} onChange={(v) => setFilter('sub', v)} options={users.map((u) => ({ value: u.sub, label: u.sub }))} />
          <FilterSelect label="Filter by grant" all="All grants" value={filters.grant ?? ''} onChange={(v) => setFilter('grant', v)} options={GRANT_OPTIONS} />
          <Segmented
            label="Filter by state"
            value={(filters.state ?? 'all') as 'all' | State}
            onChange={(v) => setFilter('state', v === 'all' ? undefined : v)}
            options={[
              { value: 'all', label: 'All' },
              { value: 'active', label: 'Active' },
              { value: 'expired', label: 'Expired' },
              { value: 'revoked', label: 'Revoked' },
            ]}
          />
          {filtered && (
            <Button size="sm" variant="ghost" icon={<IconFilterOff />} onClick={() => navigate('/issuances', {}, true)}>
              Clear
            </Button>
          )}
        </div>
        {error && <ErrorNote error={error} />}
        {!loading && rows.length === 0 && !error ? (
          filtered ? (
            <EmptyState icon={<IconSearch />} title="No issuances match" actions={<Button onClick={() => navigate('/issuances', {}, true)}>Clear filters</Button>}>
              <p>{filters.jti ? `No token has the jti “${filters.jti}”. A jti must match exactly; copy it from a decoded token.` : 'Nothing issued matches these filters yet. New matching tokens will appear here live.'}</p>
            </EmptyState>
          ) : (
            <EmptyState icon={<IconList />} title="No tokens issued yet">
              <p>Complete an authorization with an MCP client (approve it under Consent prompts); every access token appears here the moment it is issued, with who got it, for which resource, and for how long.</p>
            </EmptyState>
          )
        ) : (
          <VirtualGrid
            className="issuances"
            label="Issuances"
            rowCount={cursor ? -1 : rows.length + 1}
            busy={loading}
            columns={['State', 'Issued', 'Client', 'User', 'Resource', 'Scope', 'Grant', 'Expires', 'jti']}
            scrollRef={scrollRef}
            rowsLabel="Issuance rows: arrow keys move, Enter opens"
            activeId={selected >= 0 && rows[selected] ? `iss-${rows[selected]!.jti}` : undefined}
            onKeyDown={onKey}
            height={virt.getTotalSize()}
          >
            {items.map((it) => {
              const r = rows[it.index]!;
              return (
                <IssuanceGridRow
                  key={r.jti}
                  row={r}
                  index={it.index}
                  start={it.start}
                  selected={it.index === selected}
                  fresh={fresh.has(r.jti)}
                  now={now}
                  clientName={clientName.get(r.client_id)}
                  resourceName={resourceName.get(r.resource)}
                  onOpen={(i) => {
                    setSelected(i);
                    setOpen(rows[i]!);
                  }}
                />
              );
            })}
          </VirtualGrid>
        )}
        {(rows.length > 0 || loading) && (
          <div className="vgrid-foot" aria-live="polite">
            {loading ? (
              <span>Loading…</span>
            ) : (
              <>
                <span>
                  {rows.length.toLocaleString()} {filtered ? 'matching' : ''} loaded
                  {!filtered && total !== undefined ? ` of ${Math.max(total, rows.length).toLocaleString()}` : cursor ? ', more as you scroll' : ''}
                </span>
                <span className="spacer" />
                <span className="faint">↑↓ move · Enter open</span>
              </>
            )}
          </div>
        )}
      </div>
      <IssuanceDrawer row={open} onClose={() => setOpen(null)} />
    </div>
  );
}

const IssuanceGridRow = memo(function IssuanceGridRow(props: {
  row: IssuanceRow;
  index: number;
  start: number;
  selected: boolean;
  fresh: boolean;
  now: number;
  clientName?: string;
  resourceName?: string;
  onOpen: (i: number) => void;
}) {
  const { row: r } = props;
  const st = stateAt(r, props.now);
  const exp = Date.parse(r.expires_at);
  return (
    <GridRow id={`iss-${r.jti}`} className={props.fresh ? 'fresh' : undefined} index={props.index} start={props.start} selected={props.selected} onClick={() => props.onOpen(props.index)}>
      <span role="gridcell" className={`state ${st}`}>
        <span className="dot" aria-hidden="true" />
        {st}
      </span>
      <TimeCell at={r.issued_at} now={props.now} />
      <span role="gridcell" className="strong" title={r.client_id}>
        {props.clientName ?? r.client_id}
      </span>
      <span role="gridcell">{r.sub}</span>
      <span role="gridcell" title={r.aud}>
        {props.resourceName ?? r.resource}
      </span>
      <span role="gridcell" className="mono" title={r.scope}>
        {r.scope || '—'}
      </span>
      <span role="gridcell" className="grant">
        {GRANT_LABEL[r.grant] ?? r.grant}
      </span>
      <span role="gridcell" title={localDate(exp)}>
        {st === 'revoked' ? '—' : relative(exp, props.now)}
      </span>
      <span role="gridcell" className="mono faint" title={r.jti}>
        {r.jti}
      </span>
    </GridRow>
  );
});

/** The token as AuthPlane signed it (AuthPlane keeps the claims, never the token itself). */
export function reconstructToken(r: IssuanceRow, issuer: string, alg: string | undefined) {
  const iat = Math.floor(Date.parse(r.issued_at) / 1000);
  const header = { alg: alg ?? 'ES256', typ: 'at+jwt', ...(r.kid ? { kid: r.kid } : {}) };
  // The row keeps the audience URI; the token carries it as a one-element array, as the product does.
  const payload = { iss: issuer, sub: r.sub, aud: [r.aud], client_id: r.client_id, scope: r.scope, jti: r.jti, iat, nbf: iat, exp: Math.floor(Date.parse(r.expires_at) / 1000) };
  return { header, payload };
}

function IssuanceDrawer({ row, onClose }: { row: IssuanceRow | null; onClose: () => void }) {
  const { issuer, keys, clients, resources } = useCatalog();
  const toast = useToast();
  const now = useNow(5000);
  const [confirm, setConfirm] = useState<'token' | 'family' | null>(null);
  const r = row;
  const st = r ? stateAt(r, now) : 'active';
  const tok = r ? reconstructToken(r, issuer, keys.find((k) => k.kid === r.kid)?.alg) : undefined;
  const client = r ? clients.find((c) => c.client_id === r.client_id) : undefined;
  const resource = r ? resources.find((x) => x.slug === r.resource) : undefined;
  const notes = tok
    ? {
        iat: `${localDate(tok.payload.iat * 1000)} (${ago(tok.payload.iat * 1000, now)})`,
        nbf: localDate(tok.payload.nbf * 1000),
        exp: `${localDate(tok.payload.exp * 1000)} (${relative(tok.payload.exp * 1000, now)})`,
      }
    : undefined;
  return (
    <>
      <Modal
        kind="drawer"
        open={!!r}
        onClose={onClose}
        title="Access token"
        description={r ? <span className="mono">{r.jti}</span> : undefined}
        footer={
          r && (
            <>
              <Button variant="danger" icon={<IconBan />} disabled={!!r.revoked_at} onClick={() => setConfirm('token')}>
                Revoke token
              </Button>
              {r.family_id && (
                <Button variant="danger" icon={<IconFamily />} onClick={() => setConfirm('family')}>
                  Revoke refresh family
                </Button>
              )}
              <span className="spacer" />
              <Button onClick={onClose}>Close</Button>
            </>
          )
        }
      >
        {r && tok && (
          <>
            <div className="row wrap">
              <span className={`badge ${st === 'active' ? 'green' : st === 'revoked' ? 'red' : ''}`}>
                <span className="dot" aria-hidden="true" />
                {st === 'active' ? `Active · expires ${relative(Date.parse(r.expires_at), now)}` : st === 'expired' ? `Expired ${ago(Date.parse(r.expires_at), now)}` : `Revoked ${ago(Date.parse(r.revoked_at!), now)}`}
              </span>
              <Badge tone="outline">{r.grant}</Badge>
            </div>
            <dl className="kv">
              <dt>Client</dt>
              <dd>
                {client ? (
                  <a href={href(itemPath('clients', client.client_id))} onClick={onClose}>
                    {client.client_name}
                  </a>
                ) : (
                  r.client_id
                )}{' '}
                <span className="mono faint">{r.client_id}</span>
              </dd>
              <dt>User</dt>
              <dd className="mono">{r.sub}</dd>
              <dt>Resource</dt>
              <dd>
                {resource ? (
                  <a href={href(itemPath('resources', resource.slug))} onClick={onClose}>
                    {resource.display_name}
                  </a>
                ) : (
                  r.resource
                )}{' '}
                <span className="mono faint">{r.aud}</span>
              </dd>
              <dt>Issued</dt>
              <dd>
                {localDate(Date.parse(r.issued_at))} <span className="muted">({ago(Date.parse(r.issued_at), now)})</span>
              </dd>
              {r.family_id && (
                <>
                  <dt>Refresh family</dt>
                  <dd className="mono">{r.family_id}</dd>
                </>
              )}
              {r.revoked_at && (
                <>
                  <dt>Revoked</dt>
                  <dd>
                    {localDate(Date.parse(r.revoked_at))}
                    {r.revoked_reason ? ` · ${r.revoked_reason}` : ''}
                  </dd>
                </>
              )}
            </dl>
            <section>
              <div className="section-title">Header</div>
              <CodeBlock label="token header" copy={JSON.stringify(tok.header, null, 2)}>
                <Json value={tok.header} />
              </CodeBlock>
            </section>
            <section>
              <div className="section-title">Payload</div>
              <CodeBlock label="token payload" copy={JSON.stringify(tok.payload, null, 2)}>
                <Json value={tok.payload} notes={notes} />
              </CodeBlock>
              <p className="muted small">AuthPlane stores the claims it signed, never the token itself. Paste the token into the JWT decoder to verify its signature.</p>
            </section>
          </>
        )}
      </Modal>
      <Confirm
        open={confirm === 'token'}
        title="Revoke this access token?"
        body={<p>Introspection will report it inactive at once. MCP servers that verify JWTs offline keep accepting it until it expires {r ? relative(Date.parse(r.expires_at), now) : ''}.</p>}
        confirm="Revoke token"
        danger
        onClose={() => setConfirm(null)}
        onConfirm={async () => {
          await api.revokeIssuance(r!.jti);
          toast({ kind: 'success', title: 'Token revoked', detail: r!.jti });
        }}
      />
      <Confirm
        open={confirm === 'family'}
        title="Revoke the whole refresh family?"
        body={<p>The refresh token stops working and every access token minted from it is revoked. The client must start a new authorization.</p>}
        confirm="Revoke family"
        danger
        onClose={() => setConfirm(null)}
        onConfirm={async () => {
          await api.revokeFamily(r!.family_id!);
          toast({ kind: 'success', title: 'Refresh family revoked', detail: r!.family_id });
        }}
      />
    </>
  );
}
