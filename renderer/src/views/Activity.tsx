/** Activity: every request that reached the authorization server, its outcome and warnings. */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { ActivityEntry, WarningCode } from '../../../server/contracts';
import { api } from '../api/admin';
import { useAppEventBatches, useLoad, useNow } from '../api/hooks';
import { clientOptions, FilterSelect, GridRow, VirtualGrid } from '../components/grid';
import { IconActivity, IconAlert } from '../components/icons';
import { TimeCell } from '../components/time';
import { Badge, EmptyState, ErrorNote, Modal, PageHeader, Segmented } from '../components/ui';
import { localDate } from '../lib/time';
import { useCatalog } from '../state/catalog';

const CAP = 2000;

/** What each warning means for the developer, in plain words. */
export const WARNING_HELP: Record<WarningCode, { label: string; help: string }> = {
  resource_normalized: { label: 'Resource normalised', help: 'The client sent a resource URI that only matched the registered one after normalisation (case, default port, trailing slash). The token carries the registered URI as aud: make your MCP server publish exactly that URI, and the client send it.' },
  resource_missing: { label: 'Resource missing', help: 'The request had no resource parameter (RFC 8707), so AuthPlane picked a resource for it. MCP clients must send resource=<your server URI>; a client that omits it will fail against stricter servers.' },
  resource_slug: { label: 'Resource given as slug', help: 'The client sent a resource slug instead of its URI. It works here as a convenience, nowhere else.' },
  unknown_scope: { label: 'Unknown scope', help: 'The client asked for a scope that is not in the resource\'s catalog. Add it to the resource, or fix the client\'s scope list (often read from your server\'s scopes_supported).' },
  scope_missing: { label: 'Scope missing', help: 'The request named no scope, so the resource\'s whole catalog was offered. Clients usually take scopes from the PRM\'s scopes_supported.' },
  pkce_failure: { label: 'PKCE failure', help: 'PKCE did not check out: the code_challenge was missing or not S256, or the code_verifier at the token endpoint does not hash to it. The client must keep the verifier it generated for this very authorization.' },
  redirect_mismatch: { label: 'Redirect mismatch', help: 'The redirect_uri is not one registered for the client, byte for byte. Register it on the client (Clients page), or fix the client\'s callback URL.' },
  client_unknown: { label: 'Unknown client', help: 'No client with this client_id is registered. Register it, let it use dynamic registration, or give it a Client ID Metadata Document URL.' },
  dcr_grant_types_narrowed: { label: 'Grant types narrowed', help: 'Dynamic registration asked for grant types AuthPlane does not allow for such clients; the unsupported ones were dropped.' },
  dcr_scope_ignored: { label: 'Registration scope ignored', help: 'The scope sent at registration is recorded but not enforced; scopes are checked per resource at authorization.' },
  dcr_auth_method_defaulted: { label: 'Public client assumed', help: 'The registration named no token_endpoint_auth_method, so the client was registered as public (PKCE only, no secret).' },
  auto_consent_refused: { label: 'Auto consent skipped', help: 'Consent is automatic, but this authorization came from a page on another site and asked for the code at a non-loopback redirect: a web page could collect tokens that way, so the user is asked instead. Loopback redirects (native clients, MCP Inspector) are still approved automatically.' },
};

type Show = 'all' | 'problems';
const SHOW_OPTIONS: Array<{ value: Show; label: string }> = [
  { value: 'all', label: 'All requests' },
  { value: 'problems', label: 'Problems only' },
];

function statusTone(e: ActivityEntry): 'green' | 'red' | 'amber' | undefined {
  if (e.error || e.status >= 400) return 'red';
  if (e.warnings.length) return 'amber';
  return e.status < 400 ? 'green' : undefined;
}

export function ActivityView() {
  const [problems, setProblems] = useState<Show>('all');
  const [client, setClient] = useState('');
  const { clients } = useCatalog();
  const now = useNow(15_000);
  const list = useLoad(() => api.activity({ limit: CAP, problems: problems === 'problems', client_id: client || undefined }), [problems, client]);
  const [open, setOpen] = useState<ActivityEntry | null>(null);
  const [selected, setSelected] = useState(-1);
  const scrollRef = useRef<HTMLDivElement>(null);
  // One update per frame: a load test logs thousands of requests a second.
  useAppEventBatches(['request.logged'], (events) => {
    const entries = events.map((e) => e.data.entry).filter((entry) => (!client || entry.client_id === client) && (problems !== 'problems' || entry.error || entry.warnings.length > 0));
    if (entries.length) list.set((xs) => entries.reverse().concat(xs ?? []).slice(0, CAP));
  });
  const rows = list.data ?? [];
  const virt = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => 36, overscan: 10 });
  const clientName = useMemo(() => new Map(clients.map((c) => [c.client_id, c.client_name])), [clients]);
  const onKey = (e: KeyboardEvent) => {
    const d = e.key === 'ArrowDown' ? 1 : e.key === 'ArrowUp' ? -1 : 0;
    if (d) {
      e.preventDefault();
      const n = Math.max(0, Math.min(rows.length - 1, selected + d));
      setSelected(n);
      virt.scrollToIndex(n);
    } else if (e.key === 'Enter' && rows[selected]) {
      e.preventDefault();
      setOpen(rows[selected]!);
    }
  };

  return (
    <div className="page fill">
      <PageHeader title="Activity" description="Every request that reached the authorization server, newest first, with its outcome and what looked wrong. Use it to see why a client failed." />
      <div className="page-body fill">
        <div className="toolbar">
          <Segmented label="Show" value={problems} onChange={setProblems} options={SHOW_OPTIONS} />
          <FilterSelect label="Filter by client" all="All clients" value={client} onChange={setClient} options={clientOptions(clients)} />
        </div>
        {list.error && <ErrorNote error={list.error} retry={list.reload} />}
        {!list.loading && rows.length === 0 ? (
          <EmptyState icon={<IconActivity />} title={problems === 'problems' ? 'No problems recorded' : 'No requests yet'}>
            <p>{problems === 'problems' ? 'Requests that failed or carried warnings (missing resource, unknown scope, PKCE or redirect mismatches) will show here.' : 'Requests to the discovery, authorize, token, registration, revocation and introspection endpoints appear here as they arrive.'}</p>
          </EmptyState>
        ) : (
          <VirtualGrid
            className="activity"
            label="Requests"
            rowCount={rows.length + 1}
            columns={['Time', 'Status', 'Request', 'Client', 'Outcome', 'Duration']}
            scrollRef={scrollRef}
            rowsLabel="Request rows: arrow keys move, Enter opens"
            activeId={rows[selected] ? `act-${rows[selected]!.id}` : undefined}
            onKeyDown={onKey}
            height={virt.getTotalSize()}
          >
            {virt.getVirtualItems().map((it) => {
              const e = rows[it.index]!;
              const tone = statusTone(e);
              return (
                <GridRow
                  key={e.id}
                  id={`act-${e.id}`}
                  index={it.index}
                  start={it.start}
                  selected={it.index === selected}
                  onClick={() => {
                    setSelected(it.index);
                    setOpen(e);
                  }}
                >
                  <TimeCell at={e.at} now={now} />
                  <span role="gridcell">
                    <Badge tone={tone} mono>
                      {e.status}
                    </Badge>
                  </span>
                  <span role="gridcell" className="mono strong" title={`${e.method} ${e.path}`}>
                    <span className="faint">{e.method}</span> {e.path}
                  </span>
                  <span role="gridcell" title={e.client_id}>
                    {e.client_id ? (clientName.get(e.client_id) ?? e.client_id) : <span className="faint">—</span>}
                  </span>
                  <span role="gridcell">
                    {e.error ? (
                      <span className="state revoked" title={e.error_description}>
                        {e.error}
                        {e.error_description ? <span className="muted">: {e.error_description}</span> : null}
                      </span>
                    ) : e.warnings.length ? (
                      <span className="chips">
                        {e.warnings.slice(0, 2).map((w, i) => (
                          <Badge key={i} tone="amber">
                            {WARNING_HELP[w.code]?.label ?? w.code}
                          </Badge>
                        ))}
                        {e.warnings.length > 2 && <Badge>+{e.warnings.length - 2}</Badge>}
                      </span>
                    ) : (
                      <span className="faint">ok</span>
                    )}
                  </span>
                  <span role="gridcell" className="faint">
                    {e.duration_ms < 1 ? '<1' : Math.round(e.duration_ms)} ms
                  </span>
                </GridRow>
              );
            })}
          </VirtualGrid>
        )}
        {rows.length > 0 && (
          <div className="vgrid-foot">
            <span>
              {rows.length.toLocaleString()} request{rows.length === 1 ? '' : 's'} (the server keeps the last {CAP.toLocaleString()})
            </span>
          </div>
        )}
      </div>
      <Modal kind="drawer" open={!!open} onClose={() => setOpen(null)} title={open ? `${open.method} ${open.path}` : ''} description={open ? localDate(Date.parse(open.at)) : undefined}>
        {open && (
          <>
            <dl className="kv">
              <dt>Status</dt>
              <dd>
                <Badge tone={statusTone(open)} mono>
                  {open.status}
                </Badge>
              </dd>
              <dt>Client</dt>
              <dd className="mono">{open.client_id ?? '—'}</dd>
              <dt>Duration</dt>
              <dd>{open.duration_ms} ms</dd>
              {open.error && (
                <>
                  <dt>Error</dt>
                  <dd>
                    <code>{open.error}</code>
                    {open.error_description && <div className="muted">{open.error_description}</div>}
                  </dd>
                </>
              )}
            </dl>
            {open.warnings.length === 0 && !open.error && <p className="muted">Nothing looked wrong with this request.</p>}
            {open.warnings.map((w, i) => (
              <div key={i} className="callout">
                <IconAlert />
                <div className="stack sm">
                  <strong>{WARNING_HELP[w.code]?.label ?? w.code}</strong>
                  <span>{w.message}</span>
                  <span className="muted">{WARNING_HELP[w.code]?.help}</span>
                </div>
              </div>
            ))}
          </>
        )}
      </Modal>
    </div>
  );
}
