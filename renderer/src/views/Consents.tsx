/** Remembered consents: user × client × resource → scopes. Revoking one revokes its tokens. */
import { useState } from 'react';
import type { ConsentGrant } from '../../../server/contracts';
import { api } from '../api/admin';
import { useLoad } from '../api/hooks';
import { IconShieldCheck } from '../components/icons';
import { DataTable, ListPage } from '../components/list';
import { DateCell } from '../components/time';
import { useToast } from '../components/toast';
import { Badge, Button, Confirm, EmptyState, Segmented } from '../components/ui';
import { href, itemPath } from '../lib/router';
import { useCatalog } from '../state/catalog';

type Show = 'active' | 'all';
const SHOW_OPTIONS: Array<{ value: Show; label: string }> = [
  { value: 'active', label: 'Active' },
  { value: 'all', label: 'Include revoked' },
];

export default function ConsentsView() {
  const [show, setShow] = useState<Show>('active');
  const list = useLoad(() => api.consents(show === 'all'), [show], ['consent.granted', 'consent.revoked']);
  const { clients, resources } = useCatalog();
  const toast = useToast();
  const [revoking, setRevoking] = useState<ConsentGrant | null>(null);
  const rows = list.data ?? [];
  const clientName = (id: string) => clients.find((c) => c.client_id === id)?.client_name ?? id;
  const resourceName = (slug: string) => resources.find((r) => r.slug === slug)?.display_name ?? slug;
  return (
    <ListPage
      title="Consents"
      description="What each user approved for each client and resource. A later request for the same or fewer scopes skips the prompt; revoke a consent to be asked again."
      actions={<Segmented label="Show" value={show} onChange={setShow} options={SHOW_OPTIONS} />}
      error={list.error}
      onRetry={list.reload}
      isEmpty={!list.loading && rows.length === 0}
      empty={
        <EmptyState icon={<IconShieldCheck />} title="No consents remembered">
          <p>Approving a consent prompt records what the user allowed. Those grants appear here; revoking one makes the client ask again and revokes the tokens it got.</p>
        </EmptyState>
      }
      table={
        <DataTable columns={['User', 'Client', 'Resource', 'Scopes', 'Granted']} actions rows={rows} rowKey={(g) => g.id}>
          {(g) => (
            <>
              <td className="mono primary-cell">{g.sub}</td>
              <td>
                <a href={href(itemPath('clients', g.client_id))}>{clientName(g.client_id)}</a>
              </td>
              <td>
                <a href={href(itemPath('resources', g.resource))}>{resourceName(g.resource)}</a>
              </td>
              <td>
                <span className="chips">
                  {g.scopes.map((s) => (
                    <Badge key={s} mono tone="outline">
                      {s}
                    </Badge>
                  ))}
                </span>
              </td>
              <DateCell at={g.updated_at} />
              <td className="actions-cell">
                {g.revoked_at ? (
                  <Badge tone="red">revoked</Badge>
                ) : (
                  <Button size="sm" variant="danger" onClick={() => setRevoking(g)} aria-label={`Revoke consent of ${g.sub} for ${clientName(g.client_id)} on ${resourceName(g.resource)}`}>
                    Revoke
                  </Button>
                )}
              </td>
            </>
          )}
        </DataTable>
      }
    >
      <Confirm
        open={!!revoking}
        title="Revoke this consent?"
        body={<p>{revoking ? `${clientName(revoking.client_id)} loses ${revoking.sub}'s consent for ${resourceName(revoking.resource)}; its refresh tokens and access tokens from that consent are revoked, and the next authorization prompts again.` : ''}</p>}
        confirm="Revoke consent"
        danger
        onClose={() => setRevoking(null)}
        onConfirm={async () => {
          await api.revokeConsent(revoking!.id);
          toast({ kind: 'success', title: 'Consent revoked' });
          list.reload();
        }}
      />
    </ListPage>
  );
}
