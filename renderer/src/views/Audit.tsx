/** Audit log: every state change the server recorded (audit/*.jsonl), newest first, filtered. */
import { useMemo, useState } from 'react';
import type { AppEvent, EventName } from '../../../server/contracts';
import { auditFacets } from '../../../server/contracts/auditFacets';
import { auditSummary } from '../../../server/contracts/auditSummary';
import { POLICY_EVENTS } from '../../../server/contracts/resourcePolicy';
import { api } from '../api/admin';
import { useLoad } from '../api/hooks';
import { clientOptions, FilterSelect } from '../components/grid';
import { DataTable } from '../components/list';
import { IconClock } from '../components/icons';
import { DateCell } from '../components/time';
import { EmptyState, ErrorNote, PageHeader } from '../components/ui';
import { useCatalog } from '../state/catalog';

const LIMIT = 500;
/** Everything the audit trail records (the request log is the Activity page). */
const REFRESH_ON: EventName[] = ['resource.created', 'resource.updated', 'resource.deleted', ...POLICY_EVENTS, 'client.created', 'client.updated', 'client.deleted', 'user.created', 'user.updated', 'user.deleted', 'consent.pending', 'consent.decided', 'consent.granted', 'consent.revoked', 'token.issued', 'token.revoked', 'token.exchanged', 'token.exchange_denied', 'token.introspected', 'token.introspect_denied', 'fronting_link.created', 'fronting_link.patched', 'fronting_link.deleted', 'family.revoked', 'key.rotated', 'token.test_minted', 'fault.armed', 'fault.fired', 'fault.disarmed', 'settings.changed'];
const TYPE_OPTIONS = [
  ...['token', 'consent', 'family', 'client', 'resource', 'fronting_link', 'user', 'key', 'fault', 'settings'].map((g) => ({ value: g, label: `${g}.*` })),
  ...REFRESH_ON.map((t) => ({ value: t, label: t })),
];
const SINCE_OPTIONS = [
  { value: '1h', label: 'Last hour' },
  { value: '24h', label: 'Last 24 hours' },
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
];

export default function AuditView() {
  const { clients, resources, users } = useCatalog();
  const [type, setType] = useState('');
  const [sub, setSub] = useState('');
  const [client, setClient] = useState('');
  const [resource, setResource] = useState('');
  const [since, setSince] = useState('');
  const list = useLoad(() => api.audit({ type, sub, client, resource, since, limit: LIMIT }), [type, sub, client, resource, since], REFRESH_ON);
  const rows = useMemo(() => (list.data?.events ?? []).map((e, i) => ({ e, f: auditFacets(e), key: `${e.at}-${i}` })), [list.data]);
  const clientName = useMemo(() => new Map(clients.map((c) => [c.client_id, c.client_name])), [clients]);

  return (
    <div className="page">
      <PageHeader
        title="Audit log"
        description={
          <>
            Every change the server recorded: resources, clients, users, consent, tokens issued and revoked, key rotations, faults armed, fired and disarmed, settings changed. Newest first; the same trail as <span className="mono">authserver admin audit list</span>.
          </>
        }
      />
      <div className="page-body">
        <div className="toolbar">
          <FilterSelect label="Filter by event type" all="All events" value={type} onChange={setType} options={TYPE_OPTIONS} />
          <FilterSelect label="Filter by user" all="All users" value={sub} onChange={setSub} options={users.map((u) => ({ value: u.sub, label: u.name || u.sub }))} />
          <FilterSelect label="Filter by client" all="All clients" value={client} onChange={setClient} options={clientOptions(clients)} />
          <FilterSelect label="Filter by resource" all="All resources" value={resource} onChange={setResource} options={resources.map((r) => ({ value: r.slug, label: r.display_name || r.slug }))} />
          <FilterSelect label="Time range" all="Any time" value={since} onChange={setSince} options={SINCE_OPTIONS} />
        </div>
        {list.error && <ErrorNote error={list.error} retry={list.reload} />}
        {!list.loading && rows.length === 0 ? (
          <EmptyState icon={<IconClock />} title="No audit events match">
            <p>Changes made in this window, through the CLI or the admin API, and every token issued or revoked are recorded here.</p>
          </EmptyState>
        ) : (
          <DataTable columns={['Time', 'Event', 'User', 'Client', 'Resource', 'Detail']} rows={rows} rowKey={(r) => r.key}>
            {(r: { e: AppEvent; f: ReturnType<typeof auditFacets> }) => (
              <>
                <DateCell at={r.e.at} />
                <td className="mono strong">{r.e.type}</td>
                <td>{r.f.sub ?? '—'}</td>
                <td>{r.f.client ? (clientName.get(r.f.client) ?? r.f.client) : '—'}</td>
                <td className="mono">{r.f.resource ?? '—'}</td>
                <td className="mono">{auditSummary(r.e)}</td>
              </>
            )}
          </DataTable>
        )}
      </div>
    </div>
  );
}
