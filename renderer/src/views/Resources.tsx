/**
 * Resources: the MCP servers tokens are minted for. The detail page shows the Protected
 * Resource Metadata the server must publish, and checks the live server (DoctorPanel).
 */
import { useState } from 'react';
import { api } from '../api/admin';
import { useLoad } from '../api/hooks';
import { IconCheck, IconServer } from '../components/icons';
import { DataTable, DeleteConfirm, DetailHeader, ListPage, MissingItem, NewButton } from '../components/list';
import { DateCell } from '../components/time';
import { useToast } from '../components/toast';
import { Badge, Button, CodeBlock, EmptyState, ErrorNote, Json } from '../components/ui';
import { href, itemPath, navigate, type Route } from '../lib/router';
import { duration, localDate } from '../lib/time';
import { useCatalog } from '../state/catalog';
import { DoctorPanel } from './DoctorPanel';
import { FrontingCard } from './FrontingCard';
import { PolicyCard } from './PolicyCard';
import { ResourceForm } from './ResourceForm';

export default function ResourcesView({ route }: { route: Route }) {
  const slug = route.parts[1];
  return slug ? <ResourceDetail slug={slug} /> : <ResourceList />;
}

function ResourceList() {
  const { resources, loaded } = useCatalog();
  const [creating, setCreating] = useState(false);
  return (
    <ListPage
      title="Resources"
      description="Your MCP servers. Each resource's URI is the audience of its tokens, byte for byte, and must be what the server publishes in its Protected Resource Metadata."
      actions={<NewButton onClick={() => setCreating(true)}>New resource</NewButton>}
      isEmpty={loaded && resources.length === 0}
      empty={
        <EmptyState
          icon={<IconServer />}
          title="No resources yet"
          actions={<NewButton onClick={() => setCreating(true)}>Register your MCP server</NewButton>}
        >
          <p>Register the MCP server you are building: its URI (for example http://127.0.0.1:3001/mcp) and the scopes its tools need. AuthPlane then mints tokens for it and shows the metadata it must publish.</p>
        </EmptyState>
      }
      table={
        <DataTable columns={['Name', 'URI (token audience)', 'Scopes', 'Signing', 'Created']} rows={resources} rowKey={(r) => r.slug}>
          {(r) => (
            <>
              <td className="primary-cell">
                <a className="row-link" href={href(itemPath('resources', r.slug))}>
                  {r.display_name}
                </a>{' '}
                <span className="mono faint">{r.slug}</span> {r.is_default && <Badge tone="accent">default</Badge>}
              </td>
              <td className="mono">{r.uri}</td>
              <td>
                <span className="chips">
                  {r.scopes.length === 0 ? (
                    <span className="faint">none</span>
                  ) : (
                    r.scopes.map((s) => (
                      <Badge key={s.name} mono tone="outline" title={s.description}>
                        {s.name}
                      </Badge>
                    ))
                  )}
                </span>
              </td>
              <td className="mono small">{r.signing_alg ?? 'server default'}</td>
              <DateCell at={r.created_at} />
            </>
          )}
        </DataTable>
      }
    >
      <ResourceForm open={creating} onClose={() => setCreating(false)} onSaved={(r) => navigate(itemPath('resources', r.slug))} />
    </ListPage>
  );
}

function ResourceDetail({ slug }: { slug: string }) {
  const { resources, loaded } = useCatalog();
  const r = resources.find((x) => x.slug === slug);
  const toast = useToast();
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const prm = useLoad(() => api.prm(slug), [slug, r?.updated_at]);

  if (!r) return <MissingItem loaded={loaded} icon={<IconServer />} title={`No resource “${slug}”`} back="All resources" backPath="/resources" />;

  return (
    <div className="page">
      <DetailHeader
        list="Resources"
        listPath="/resources"
        crumb={<span>{r.slug}</span>}
        title={r.display_name}
        description={<span className="mono">{r.uri}</span>}
        tokens={{ resource: r.slug }}
        onEdit={() => setEditing(true)}
        onDelete={() => setDeleting(true)}
      />
      <div className="page-body stack">
        <div className="res-grid">
          <section className="card" aria-labelledby="details-h">
            <div className="card-head">
              <h2 id="details-h">Details</h2>
            </div>
            <div className="card-body">
              <dl className="kv">
                <dt>Slug</dt>
                <dd className="mono">{r.slug}</dd>
                <dt>URI (aud)</dt>
                <dd className="mono">{r.uri}</dd>
                <dt>Signing</dt>
                <dd>{r.signing_alg ?? 'server default'}</dd>
                <dt>Access tokens</dt>
                <dd>{r.access_token_ttl ? `live ${duration(r.access_token_ttl * 1000)}` : 'server default lifetime'}</dd>
                <dt>Refresh tokens</dt>
                <dd>{r.refresh_token_ttl ? `live ${duration(r.refresh_token_ttl * 1000)}` : 'server default lifetime'}</dd>
                <dt>Default</dt>
                <dd>{r.is_default ? 'Yes: requests without a resource parameter get this one' : 'No'}</dd>
                <dt>Updated</dt>
                <dd>{localDate(Date.parse(r.updated_at))}</dd>
              </dl>
            </div>
          </section>
          <section className="card" aria-labelledby="scopes-h">
            <div className="card-head">
              <h2 id="scopes-h">Scope catalog</h2>
              <span className="sub">{r.scopes.length} scope{r.scopes.length === 1 ? '' : 's'}</span>
            </div>
            {r.scopes.length === 0 ? (
              <div className="card-body muted">No scopes: tokens carry an empty scope. Add the scopes your tools check (Edit).</div>
            ) : (
              <table className="table">
                <tbody>
                  {r.scopes.map((s) => (
                    <tr key={s.name}>
                      <td className="mono primary-cell">{s.name}</td>
                      <td className="muted">{s.description ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </div>

        <section className="card" aria-labelledby="prm-h">
          <div className="card-head">
            <div>
              <h2 id="prm-h">Protected Resource Metadata</h2>
              <div className="sub">
                Your MCP server must serve this JSON at <span className="mono">{prm.data?.prm_url ?? '…'}</span> so clients find AuthPlane.
              </div>
            </div>
            <div className="right">{prm.data && <CopyJson text={prm.data.text} />}</div>
          </div>
          <div className="card-body stack sm">
            {prm.error && <ErrorNote error={prm.error} retry={prm.reload} />}
            {prm.data && (
              <CodeBlock label="Protected Resource Metadata">
                <Json value={prm.data.document} />
              </CodeBlock>
            )}
          </div>
        </section>
        <FrontingCard resource={r} resources={resources} />
        <PolicyCard resource={r} />
        <DoctorPanel mcpUrl={r.uri} />
      </div>
      <ResourceForm open={editing} resource={r} onClose={() => setEditing(false)} onSaved={() => toast({ kind: 'success', title: 'Resource saved' })} />
      <DeleteConfirm
        open={deleting}
        name={r.display_name}
        body={<p>Clients can no longer get tokens for {r.uri}. Tokens already issued stay valid until they expire, and the issuance log keeps them. Its fronting links are deleted with it.</p>}
        confirm="Delete resource"
        onClose={() => setDeleting(false)}
        onDelete={() => api.deleteResource(r.slug, true)}
        onDeleted={() => navigate('/resources')}
      />
    </div>
  );
}

function CopyJson({ text }: { text: string }) {
  const [done, setDone] = useState(false);
  return (
    <Button
      icon={done ? <IconCheck /> : undefined}
      onClick={async () => {
        await navigator.clipboard.writeText(text).catch(() => undefined);
        setDone(true);
        setTimeout(() => setDone(false), 1400);
      }}
    >
      {done ? 'Copied' : 'Copy JSON'}
    </Button>
  );
}
