/** Clients (MCP agents): list, register, edit, suspend, delete. */
import { useState } from 'react';
import { useFieldArray } from 'react-hook-form';
import { ClientInput, ClientPatch, type ClientView, type CreatedClient } from '../../../server/contracts';
import { api } from '../api/admin';
import { FormModal, TextField } from '../components/form';
import { IconBot, IconPlus, IconX } from '../components/icons';
import { DataTable, DeleteConfirm, DetailHeader, ListPage, MissingItem, NewButton } from '../components/list';
import { useToast } from '../components/toast';
import { Badge, Button, CopyButton, EmptyState, Field, Modal } from '../components/ui';
import { useSchemaForm } from '../hooks/useSchemaForm';
import { words, type FieldErrors } from '../lib/forms';
import { href, itemPath, navigate, type Route } from '../lib/router';
import { localDate } from '../lib/time';
import { useCatalog } from '../state/catalog';
import { SOURCE_LABEL } from './Prompts';

const GRANTS = [
  { value: 'authorization_code', label: 'Authorization code', hint: 'a user approves (MCP clients)' },
  { value: 'refresh_token', label: 'Refresh token', hint: 'rotate without asking again' },
  { value: 'client_credentials', label: 'Client credentials', hint: 'machine to machine, needs a secret' },
] as const;
const APP_TYPE_LABEL: Record<string, string> = { native: 'native: loopback or private-use redirects (CLI, desktop)', web: 'web: https redirects' };
const AUTH_LABEL: Record<string, string> = { none: 'Public (PKCE only)', client_secret_basic: 'Secret, HTTP Basic', client_secret_post: 'Secret, form body' };

export default function ClientsView({ route }: { route: Route }) {
  const id = route.parts[1];
  return id ? <ClientDetail id={id} /> : <ClientList />;
}

function ClientList() {
  const { clients, loaded } = useCatalog();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedClient | null>(null);
  return (
    <ListPage
      title="Clients"
      description="The agents and apps that ask for tokens. The recommended way for an MCP client is a Client ID Metadata Document: its client_id is an https URL describing it, fetched on first use (MCP 2026-07-28). Dynamic registration (DCR) stays for older clients; register here to fix a client_id and redirect URIs by hand."
      actions={<NewButton onClick={() => setCreating(true)}>New client</NewButton>}
      isEmpty={loaded && clients.length === 0}
      empty={
        <EmptyState
          icon={<IconBot />}
          title="No clients yet"
          actions={<NewButton onClick={() => setCreating(true)}>Register a client</NewButton>}
        >
          <p>MCP clients show up here the first time they connect: by their Client ID Metadata Document URL (the recommended path), or by dynamic registration (older clients). Offline, a metadata document on the internet cannot be fetched: pre-register the client here (fixed client_id and redirect URI), or start AuthPlane with <code>serve --no-cimd</code> so it registers itself.</p>
        </EmptyState>
      }
      table={
        <DataTable columns={['Name', 'client_id', 'Registered', 'Authentication', 'Grants', 'Status']} narrow={['Registered']} rows={clients} rowKey={(c) => c.client_id}>
          {(c) => (
            <>
              <td className="primary-cell">
                <a className="row-link" href={href(itemPath('clients', c.client_id))}>
                  {c.client_name}
                </a>
              </td>
              <td className="mono small truncate">{c.client_id}</td>
              <td>
                <Badge tone={c.registration_source === 'admin' ? 'outline' : c.registration_source === 'dcr' ? 'accent' : 'blue'}>{SOURCE_LABEL[c.registration_source]}</Badge>
              </td>
              <td className="small">{AUTH_LABEL[c.token_endpoint_auth_method]}</td>
              <td className="small mono">{c.grant_types.join(', ')}</td>
              <td>{c.status === 'active' ? <Badge tone="green" dot>active</Badge> : <Badge tone="amber" dot>suspended</Badge>}</td>
            </>
          )}
        </DataTable>
      }
    >
      <ClientForm
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(c) => {
          if (c.client_secret) setCreated(c);
          else navigate(itemPath('clients', c.client_id));
        }}
      />
      <Modal
        open={!!created}
        onClose={() => {
          const id = created?.client_id;
          setCreated(null);
          if (id) navigate(itemPath('clients', id));
        }}
        title="Client created: copy its secret now"
        description="AuthPlane keeps only a hash of it; it is never shown again."
        footer={
          <Button variant="primary" onClick={() => setCreated(null)}>
            I copied it
          </Button>
        }
      >
        {created?.client_secret && (
          <div className="stack sm">
            <div className="field-label">client_secret for {created.client_id}</div>
            <div className="secret-box">
              <code>{created.client_secret}</code>
              <CopyButton text={created.client_secret} label="Copy secret" />
            </div>
          </div>
        )}
      </Modal>
    </ListPage>
  );
}

function ClientDetail({ id }: { id: string }) {
  const { clients, loaded } = useCatalog();
  const c = clients.find((x) => x.client_id === id);
  const toast = useToast();
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!c) return <MissingItem loaded={loaded} icon={<IconBot />} title={`No client “${id}”`} back="All clients" backPath="/clients" />;
  const toggle = async () => {
    setBusy(true);
    try {
      await api.updateClient(c.client_id, { status: c.status === 'active' ? 'suspended' : 'active' });
      toast({ kind: 'success', title: c.status === 'active' ? `Suspended ${c.client_name}` : `Reactivated ${c.client_name}` });
    } catch (e) {
      toast({ kind: 'error', title: 'Could not change the status', detail: (e as Error).message });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="page">
      <DetailHeader
        list="Clients"
        listPath="/clients"
        crumb={<span className="truncate">{c.client_id}</span>}
        title={c.client_name}
        description={<span className="mono">{c.client_id}</span>}
        tokens={{ client: c.client_id }}
        actions={
          <Button busy={busy} onClick={toggle}>
            {c.status === 'active' ? 'Suspend' : 'Reactivate'}
          </Button>
        }
        onEdit={() => setEditing(true)}
        onDelete={() => setDeleting(true)}
      />
      <div className="page-body">
        <section className="card" aria-label="Client details">
          <div className="card-body">
            <dl className="kv">
              <dt>Status</dt>
              <dd>{c.status === 'active' ? <Badge tone="green" dot>active</Badge> : <Badge tone="amber" dot>suspended: token requests are refused</Badge>}</dd>
              <dt>Registered</dt>
              <dd>
                {SOURCE_LABEL[c.registration_source]} · {localDate(Date.parse(c.created_at))}
              </dd>
              {c.cimd_url && (
                <>
                  <dt>Metadata document</dt>
                  <dd className="mono">{c.cimd_url}</dd>
                </>
              )}
              <dt>Application type</dt>
              <dd>{c.application_type ? APP_TYPE_LABEL[c.application_type] : <span className="muted">not stated (mixed redirect URIs)</span>}</dd>
              <dt>Authentication</dt>
              <dd>{AUTH_LABEL[c.token_endpoint_auth_method]}</dd>
              <dt>Grant types</dt>
              <dd className="mono">{c.grant_types.join(', ')}</dd>
              <dt>Redirect URIs</dt>
              <dd>{c.redirect_uris.length ? c.redirect_uris.map((u) => <div key={u} className="mono">{u}</div>) : <span className="muted">none (client credentials only)</span>}</dd>
              <dt>Scope ceiling</dt>
              <dd>{c.scope.length ? <span className="chips">{c.scope.map((s) => <Badge key={s} mono tone="outline">{s}</Badge>)}</span> : <span className="muted">any scope of the requested resource</span>}</dd>
            </dl>
          </div>
        </section>
      </div>
      <ClientForm open={editing} client={c} onClose={() => setEditing(false)} onCreated={() => toast({ kind: 'success', title: 'Client saved' })} />
      <DeleteConfirm
        open={deleting}
        name={c.client_name}
        body={<p>The client can no longer authorize or refresh. Tokens already issued stay valid until they expire.</p>}
        confirm="Delete client"
        onClose={() => setDeleting(false)}
        onDelete={() => api.deleteClient(c.client_id)}
        onDeleted={() => navigate('/clients')}
      />
    </div>
  );
}

interface ClientFields {
  client_name: string;
  client_id: string;
  redirect_uris: { value: string }[];
  grant_types: string[];
  token_endpoint_auth_method: string;
  scope: string;
}

export function ClientForm({ open, client, onClose, onCreated }: { open: boolean; client?: ClientView; onClose: () => void; onCreated: (c: CreatedClient) => void }) {
  const editing = !!client;
  const uris = (f: ClientFields) => f.redirect_uris.map((u) => u.value.trim()).filter(Boolean);
  const { form, errors, busy, submit } = useSchemaForm({
    open,
    onClose,
    onSaved: onCreated,
    schema: editing ? ClientPatch : ClientInput,
    values: (): ClientFields => ({
      client_name: client?.client_name ?? '',
      client_id: client?.client_id ?? '',
      redirect_uris: (client?.redirect_uris.length ? client.redirect_uris : ['']).map((value) => ({ value })),
      grant_types: client?.grant_types ?? ['authorization_code', 'refresh_token'],
      token_endpoint_auth_method: client?.token_endpoint_auth_method ?? 'none',
      scope: client?.scope.join(' ') ?? '',
    }),
    toBody: (f) => {
      const common = { client_name: f.client_name.trim(), redirect_uris: uris(f), grant_types: f.grant_types, scope: words(f.scope) };
      return editing ? common : ({ ...common, ...(f.client_id.trim() ? { client_id: f.client_id.trim() } : {}), token_endpoint_auth_method: f.token_endpoint_auth_method });
    },
    // The rules between fields, as registration enforces them.
    check: (f) => {
      const errs: FieldErrors = {};
      if (f.grant_types.includes('client_credentials') && f.token_endpoint_auth_method === 'none' && !editing) errs.token_endpoint_auth_method = 'client credentials need a secret: pick a secret method';
      if (f.grant_types.includes('authorization_code') && uris(f).length === 0) errs.redirect_uris = 'the authorization-code grant needs at least one redirect URI';
      return errs;
    },
    send: (body) => (editing ? api.updateClient(client!.client_id, body as ClientPatch) : api.createClient(body as ClientInput)),
  });
  const { register, control } = form;
  const redirects = useFieldArray({ control, name: 'redirect_uris' });
  const redirectErrors = Object.entries(errors).filter(([k]) => k.startsWith('redirect_uris'));
  return (
    <FormModal
      open={open}
      onClose={onClose}
      wide
      title={editing ? `Edit ${client!.client_name}` : 'New client'}
      description="Validated with the same rules as the CLI and dynamic registration."
      submit={editing ? 'Save changes' : 'Create client'}
      form={{ errors, busy }}
      onSubmit={submit}
    >
      <TextField label="Client name" error={errors.client_name} autoFocus placeholder="my-agent" {...register('client_name')} />
      <TextField label="client_id" hint={editing ? 'Fixed after creation.' : 'Blank for a random one.'} error={errors.client_id} mono disabled={editing} placeholder="generated" {...register('client_id')} />
      <div className="field span">
        <span className="field-label" id="redir-label">
          Redirect URIs
        </span>
        <div className="list-rows" role="group" aria-labelledby="redir-label">
          {redirects.fields.map((row, i) => (
            <div className="list-row" key={row.id}>
              <input className="input mono" aria-label={`Redirect URI ${i + 1}`} aria-invalid={!!errors[`redirect_uris.${i}`]} placeholder="http://127.0.0.1:8765/callback" {...register(`redirect_uris.${i}.value`)} />
              <Button variant="ghost" icon={<IconX />} label={`Remove redirect URI ${i + 1}`} onClick={() => (redirects.fields.length > 1 ? redirects.remove(i) : redirects.replace([{ value: '' }]))} />
            </div>
          ))}
        </div>
        {redirectErrors.length ? (
          redirectErrors.map(([k, m]) => (
            <div className="error" role="alert" key={k}>
              {k === 'redirect_uris' ? m : `URI ${Number(k.split('.')[1]) + 1}: ${m}`}
            </div>
          ))
        ) : (
          <div className="hint">https anywhere, http only on 127.0.0.1 / localhost / [::1], or an app scheme like cursor://. Compared byte for byte.</div>
        )}
        <div>
          <Button size="sm" variant="ghost" icon={<IconPlus />} onClick={() => redirects.append({ value: '' }, { shouldFocus: false })}>
            Add redirect URI
          </Button>
        </div>
      </div>
      <fieldset className="field span">
        <legend className="field-label">Grant types</legend>
        <div className="row wrap">
          {GRANTS.map((g) => (
            <label className="check" key={g.value}>
              <input type="checkbox" value={g.value} {...register('grant_types')} />
              <span className="check-text">
                <span>{g.label}</span>
                <small>{g.hint}</small>
              </span>
            </label>
          ))}
        </div>
        {errors.grant_types && (
          <div className="error" role="alert">
            {errors.grant_types}
          </div>
        )}
      </fieldset>
      <Field label="Token endpoint authentication" hint={editing ? 'Fixed after creation.' : 'Public clients (most MCP clients) use PKCE without a secret.'} error={errors.token_endpoint_auth_method}>
        {(id, d) => (
          <select id={id} aria-describedby={d} className="select" disabled={editing} {...register('token_endpoint_auth_method')}>
            <option value="none">Public: PKCE only</option>
            <option value="client_secret_basic">Secret via HTTP Basic</option>
            <option value="client_secret_post">Secret in the form body</option>
          </select>
        )}
      </Field>
      <TextField label="Scope ceiling" hint="Space-separated. Blank: any scope of the requested resource." error={errors.scope ?? Object.entries(errors).find(([k]) => k.startsWith('scope.'))?.[1]} mono placeholder="read write" {...register('scope')} />
    </FormModal>
  );
}
