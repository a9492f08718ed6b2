/**
 * Flows: everything one client did for one authorization, grouped by the server (registration →
 * authorize → consent → code exchange → refreshes → revocation), newest first and live. A flow
 * opens as a vertical timeline of its steps; filters by client, resource, user and outcome.
 */
import { useMemo, useState } from 'react';
import type { FlowListQuery, FlowOutcome, FlowSummary } from '../../../server/contracts';
import { api } from '../api/admin';
import { useAppEventBatches, useLoad, useNow } from '../api/hooks';
import { clientOptions, FilterSelect } from '../components/grid';
import { IconFilterOff, IconRoute } from '../components/icons';
import { Button, CodeBlock, EmptyState, ErrorNote, PageHeader } from '../components/ui';
import type { Route } from '../lib/router';
import { useCatalog } from '../state/catalog';
import { FlowDetail } from './FlowDetail';
import { FlowList } from './FlowList';
import { OUTCOME } from './flowLabels';
import './flows.css';

type Filters = Required<Pick<FlowListQuery, 'client' | 'resource' | 'user'>> & { outcome: FlowOutcome | '' };
const NO_FILTERS: Filters = { client: '', resource: '', user: '', outcome: '' };
const OUTCOME_OPTIONS = (Object.keys(OUTCOME) as FlowOutcome[]).map((o) => ({ value: o, label: OUTCOME[o].label }));

/** The same test as the server's, for flows that arrive live. */
const matches = (f: FlowSummary, q: Filters): boolean =>
  (!q.client || f.client_id === q.client) && (!q.resource || f.resource === q.resource) && (!q.user || f.sub === q.user) && (!q.outcome || f.outcome === q.outcome);

/** Live updates: a flow that changed replaces its row, a new one goes on top; one that no longer matches leaves. */
function merge(list: FlowSummary[], updates: FlowSummary[], q: Filters): FlowSummary[] {
  let out = list;
  for (const f of updates) {
    const i = out.findIndex((x) => x.id === f.id);
    if (!matches(f, q)) out = i < 0 ? out : out.filter((x) => x.id !== f.id);
    else if (i < 0) out = [f, ...out];
    else out = out.map((x) => (x.id === f.id ? f : x));
  }
  return out;
}

function StartHint({ issuer, mcpUrl }: { issuer: string; mcpUrl?: string }) {
  const connect = `npx authserver connect ${mcpUrl ?? 'http://127.0.0.1:3001/mcp'}`;
  return (
    <EmptyState icon={<IconRoute />} title="No flows yet">
      <p>Every exchange a client makes with AuthPlane (registration, authorization, consent, token, refresh, revocation) is grouped here into a flow, live, with the full request and response of each step.</p>
      <p>Start one: connect an MCP client to your MCP server, or point it at AuthPlane ({issuer}).</p>
      <CodeBlock copy={connect} label="connect command">
        {connect}
      </CodeBlock>
      <p className="muted small">Or open a resource and run “Check my MCP server”.</p>
    </EmptyState>
  );
}

export default function FlowsView({ route }: { route: Route }) {
  const { clients, resources, users, issuer } = useCatalog();
  const [q, setQ] = useState<Filters>(NO_FILTERS);
  const now = useNow(15_000);
  const selected = route.parts[1];
  const list = useLoad(() => api.flows({ client: q.client || undefined, resource: q.resource || undefined, user: q.user || undefined, outcome: q.outcome || undefined }), [q.client, q.resource, q.user, q.outcome]);
  useAppEventBatches(['flow.updated'], (events) => list.set((xs) => merge(xs ?? [], events.map((e) => e.data.flow), q)));
  const flows = list.data ?? [];
  const filtered = !!(q.client || q.resource || q.user || q.outcome);
  const set = (k: keyof Filters) => (v: string) => setQ((p) => ({ ...p, [k]: v }));

  // A resource a client sent that is not registered (a typo, another host) is still a filter.
  const resourceOptions = useMemo(() => {
    const uris = new Set([...resources.map((r) => r.uri), ...flows.map((f) => f.resource).filter((r): r is string => !!r)]);
    return [...uris].sort().map((u) => ({ value: u, label: u }));
  }, [resources, flows]);

  return (
    <div className="page fill">
      <PageHeader title="Flows" description="Everything each client did for one authorization, step by step, newest first and live. Open a flow to see where it went wrong and why." />
      <div className="page-body fill">
        <div className="toolbar" role="group" aria-label="Filters">
          <FilterSelect label="Filter by client" all="All clients" value={q.client} onChange={set('client')} options={clientOptions(clients)} />
          <FilterSelect label="Filter by resource" all="All resources" value={q.resource} onChange={set('resource')} options={resourceOptions} />
          <FilterSelect label="Filter by user" all="All users" value={q.user} onChange={set('user')} options={users.map((u) => ({ value: u.sub, label: u.name || u.sub }))} />
          <FilterSelect label="Filter by outcome" all="Any outcome" value={q.outcome} onChange={set('outcome')} options={OUTCOME_OPTIONS} />
          {filtered && (
            <Button size="sm" variant="ghost" icon={<IconFilterOff />} onClick={() => setQ(NO_FILTERS)}>
              Clear filters
            </Button>
          )}
        </div>
        {list.error && <ErrorNote error={list.error} retry={list.reload} />}
        {!list.loading && flows.length === 0 && !filtered && !selected ? (
          <StartHint issuer={issuer} mcpUrl={resources[0]?.uri} />
        ) : (
          <div className="flows-split">
            <div className="flows-list-pane">
              {flows.length === 0 && !list.loading ? <p className="muted flows-none">{filtered ? 'No flows match these filters.' : 'No flows yet.'}</p> : <FlowList flows={flows} selected={selected} now={now} />}
            </div>
            <div className="flows-detail-pane">
              {selected ? (
                <FlowDetail key={selected} id={selected} />
              ) : (
                <div className="flows-pick">
                  <IconRoute />
                  <p>Select a flow to see its steps as a timeline.</p>
                </div>
              )}
            </div>
          </div>
        )}
      </div>
    </div>
  );
}
