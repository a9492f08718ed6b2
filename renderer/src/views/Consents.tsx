/** Remembered consents: user × client × resource → scopes. Revoking one revokes its tokens. */
import { useState } from 'react';
import type { ConsentGrant } from '../../../server/contracts';
import { api } from '../api/admin';
import { useLoad } from '../api/hooks';
import { IconShieldCheck } from '../components/icons';
import { useToast } from '../components/toast';
import { Badge, Button, Confirm, EmptyState, ErrorNote, PageHeader, Segmented } from '../components/ui';
import { href } from '../lib/router';
import { localDate } from '../lib/time';
import { useCatalog } from '../state/catalog';

export default function ConsentsView() {
  const [show, setShow] = useState<'active' | 'all'>('active');
  const list = useLoad(() => api.consents(show === 'all'), [show], ['consent.granted', 'consent.revoked']);
  const { clients, resources } = useCatalog();
  const toast = useToast();
  const [revoking, setRevoking] = useState<ConsentGrant | null>(null);
  const rows = list.data ?? [];
  const clientName = (id: string) => clients.find((c) => c.client_id === id)?.client_name ?? id;
  const resourceName = (slug: string) => resources.find((r) => r.slug === slug)?.display_name ?? slug;
  return (
    <div className="page">
      <PageHeader
        title="Consents"
        description="What each user approved for each client and resource. A later request for the same or fewer scopes skips the prompt; revoke a consent to be asked again."
        actions={
          <Segmented
            label="Show"
            value={show}
            onChange={setShow}
            options={[
              { value: 'active', label: 'Active' },
              { value: 'all', label: 'Include revoked' },
            ]}
          />
        }
      />
      <div className="page-body">
        {list.error && <ErrorNote error={list.error} retry={list.reload} />}
        {!list.loading && rows.length === 0 ? (
          <EmptyState icon={<IconShieldCheck />} title="No consents remembered">
            <p>Approving a consent prompt records what the user allowed. Those grants appear here; revoking one makes the client ask again and revokes the tokens it got.</p>
          </EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">User</th>
                  <th scope="col">Client</th>
                  <th scope="col">Resource</th>
                  <th scope="col">Scopes</th>
                  <th scope="col">Granted</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((g) => (
                  <tr key={g.id}>
                    <td className="mono primary-cell">{g.sub}</td>
                    <td>
                      <a href={href(`/clients/${g.client_id}`)}>{clientName(g.client_id)}</a>
                    </td>
                    <td>
                      <a href={href(`/resources/${g.resource}`)}>{resourceName(g.resource)}</a>
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
                    <td className="muted small">{localDate(Date.parse(g.updated_at))}</td>
                    <td className="actions-cell">
                      {g.revoked_at ? (
                        <Badge tone="red">revoked</Badge>
                      ) : (
                        <Button size="sm" variant="danger" onClick={() => setRevoking(g)} aria-label={`Revoke consent of ${g.sub} for ${clientName(g.client_id)} on ${resourceName(g.resource)}`}>
                          Revoke
                        </Button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
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
    </div>
  );
}
