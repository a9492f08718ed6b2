/**
 * A resource's policy client lists, changed one client at a time through the product's sub-list
 * API: the runtime clients (may act as the resource: introspect its tokens) and the exchange
 * allowed clients (may exchange a user's token for one bound to it).
 */
import { useState } from 'react';
import { PolicyClientInput, type PolicyListName, type Resource } from '../../../server/contracts';
import { POLICY_EVENTS } from '../../../server/contracts/resourcePolicy';
import { api } from '../api/admin';
import { useLoad } from '../api/hooks';
import { FormModal } from '../components/form';
import { IconPlus } from '../components/icons';
import { useToast } from '../components/toast';
import { Button, ErrorNote, Field } from '../components/ui';
import { useSchemaForm } from '../hooks/useSchemaForm';
import { href, itemPath } from '../lib/router';
import { useCatalog } from '../state/catalog';

const LISTS: Record<PolicyListName, { title: string; field: string; empty: string }> = {
  runtime: { title: 'Runtime clients', field: 'policy.runtime.client_ids', empty: "None: only a token's own client may introspect it (default-deny)." },
  exchange: { title: 'Exchange allowed clients', field: 'policy.exchange.allowed_client_ids', empty: 'Any client with the token-exchange grant (through a fronting link).' },
};

export function PolicyCard({ resource }: { resource: Resource }) {
  return (
    <section className="card" aria-labelledby="policy-h">
      <div className="card-head">
        <div>
          <h2 id="policy-h">Policy</h2>
          <div className="sub">Which clients may act as this resource (introspect its tokens) and which may exchange tokens for it.</div>
        </div>
      </div>
      <div className="card-body stack">
        <PolicyList slug={resource.slug} list="runtime" />
        <PolicyList slug={resource.slug} list="exchange" />
      </div>
    </section>
  );
}

function PolicyList({ slug, list }: { slug: string; list: PolicyListName }) {
  const meta = LISTS[list];
  const ids = useLoad(() => api.policyClients(slug, list), [slug, list], POLICY_EVENTS);
  const { clients } = useCatalog();
  const toast = useToast();
  const [adding, setAdding] = useState(false);
  const name = (id: string) => clients.find((c) => c.client_id === id)?.client_name;

  return (
    <div className="stack sm policy-list" role="group" aria-label={meta.title}>
      <div className="row">
        <h3>
          {meta.title} <span className="mono faint small">{meta.field}</span>
        </h3>
        <span className="spacer" />
        <Button size="sm" icon={<IconPlus />} onClick={() => setAdding(true)}>
          Add client
        </Button>
      </div>
      {ids.error && <ErrorNote error={ids.error} retry={ids.reload} />}
      {ids.data && ids.data.length === 0 && <p className="muted">{meta.empty}</p>}
      {ids.data && ids.data.length > 0 && (
        <table className="table" aria-label={meta.title}>
          <tbody>
            {ids.data.map((id) => (
              <tr key={id} data-client={id}>
                <td className="primary-cell mono">
                  <a href={href(itemPath('clients', id))}>{id}</a>
                </td>
                <td className="muted">{name(id) ?? 'not registered'}</td>
                <td className="right">
                  <Button
                    size="sm"
                    variant="ghost"
                    onClick={async () => {
                      try {
                        await api.removePolicyClient(slug, list, id);
                        toast({ kind: 'success', title: `Removed from ${meta.title.toLowerCase()}`, detail: id });
                      } catch (e) {
                        toast({ kind: 'error', title: 'Could not remove', detail: (e as Error).message });
                      }
                      ids.reload();
                    }}
                  >
                    Remove
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <AddPolicyClientForm
        open={adding}
        slug={slug}
        list={list}
        listed={ids.data ?? []}
        onClose={() => setAdding(false)}
        onSaved={() => {
          toast({ kind: 'success', title: `Added to ${meta.title.toLowerCase()}` });
          ids.reload();
        }}
      />
    </div>
  );
}

function AddPolicyClientForm({ open, slug, list, listed, onClose, onSaved }: { open: boolean; slug: string; list: PolicyListName; listed: string[]; onClose: () => void; onSaved: () => void }) {
  const { clients } = useCatalog();
  const choices = clients.filter((c) => !listed.includes(c.client_id));
  const { form, errors, busy, submit } = useSchemaForm({
    open,
    onClose,
    onSaved,
    schema: PolicyClientInput,
    values: () => ({ client_id: '' }),
    toBody: (f: { client_id: string }) => ({ client_id: f.client_id }),
    send: (body) => api.addPolicyClient(slug, list, (body as PolicyClientInput).client_id),
  });
  return (
    <FormModal open={open} onClose={onClose} id={`policy-${list}-form`} title={`Add to ${LISTS[list].title.toLowerCase()}`} description={<span className="mono">{LISTS[list].field}</span>} submit="Add client" form={{ errors, busy }} onSubmit={submit}>
      <Field label="Client" error={errors.client_id} hint={choices.length === 0 ? 'Every registered client is already listed.' : undefined}>
        {(id, d) => (
          <select id={id} aria-describedby={d} className="select" autoFocus {...form.register('client_id')}>
            <option value="">Choose…</option>
            {choices.map((c) => (
              <option key={c.client_id} value={c.client_id}>
                {c.client_name} ({c.client_id})
              </option>
            ))}
          </select>
        )}
      </Field>
    </FormModal>
  );
}
