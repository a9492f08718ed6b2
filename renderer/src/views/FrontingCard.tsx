/**
 * A resource's fronting links: the hidden resources it fronts as a gateway, and the gateways
 * that front it. A new link (this resource as the gateway) and an edited one take the CLI's
 * scope-map syntax.
 */
import { useState } from 'react';
import { formatScopeMap, parseScopeMapSpec, type FrontingLink, type Resource } from '../../../server/contracts';
import { api } from '../api/admin';
import { useLoad } from '../api/hooks';
import { useToast } from '../components/toast';
import { Button, ErrorNote, Field } from '../components/ui';
import { href, itemPath } from '../lib/router';
import { FrontingEditForm } from './FrontingEditForm';

export function FrontingCard({ resource, resources }: { resource: Resource; resources: Resource[] }) {
  const links = useLoad(() => api.resourceFronting(resource.slug), [resource.slug], ['fronting_link.created', 'fronting_link.patched', 'fronting_link.deleted']);
  const [editing, setEditing] = useState<FrontingLink>();
  const toast = useToast();
  const [target, setTarget] = useState('');
  const [map, setMap] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const others = resources.filter((r) => r.slug !== resource.slug);

  const add = async () => {
    setError(undefined);
    let scope_map;
    try {
      scope_map = parseScopeMapSpec(map.trim());
    } catch (e) {
      setError((e as Error).message.replace('--scope-map', 'scope map'));
      return;
    }
    setBusy(true);
    try {
      await api.createFronting({ source: resource.slug, target, scope_map });
      toast({ kind: 'success', title: 'Fronting link created', detail: `${resource.slug} → ${target}` });
      setMap('');
      links.reload();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const row = (l: FrontingLink, other: string, remove: boolean) => (
    <tr key={l.id} data-link={l.id}>
      <td className="primary-cell">
        <a href={href(itemPath('resources', other))}>{other}</a>
      </td>
      <td className="mono">{formatScopeMap(l.scope_map)}</td>
      <td className="right">
        <Button size="sm" variant="ghost" onClick={() => setEditing(l)}>
          Edit
        </Button>
        {remove && (
          <Button
            size="sm"
            variant="ghost"
            onClick={async () => {
              await api.deleteFronting(l.source, l.target);
              toast({ kind: 'success', title: 'Fronting link deleted', detail: `${l.source} → ${l.target}` });
              links.reload();
            }}
          >
            Delete
          </Button>
        )}
      </td>
    </tr>
  );

  const d = links.data;
  return (
    <section className="card" aria-labelledby="fronting-h">
      <div className="card-head">
        <div>
          <h2 id="fronting-h">Fronting links</h2>
          <div className="sub">A gateway exchanges a user's token for its hidden server (RFC 8693); the scope map translates scopes.</div>
        </div>
      </div>
      <div className="card-body stack sm">
        {links.error && <ErrorNote error={links.error} retry={links.reload} />}
        {d && d.fronts.length === 0 && d.fronted_by.length === 0 && <p className="muted">No links: this resource neither fronts nor is fronted by another.</p>}
        {d && d.fronts.length > 0 && (
          <table className="table" aria-label="Fronts">
            <thead>
              <tr>
                <th>Fronts (hidden resource)</th>
                <th>Scope map (this → hidden)</th>
                <th />
              </tr>
            </thead>
            <tbody>{d.fronts.map((l) => row(l, l.target, true))}</tbody>
          </table>
        )}
        {d && d.fronted_by.length > 0 && (
          <table className="table" aria-label="Fronted by">
            <thead>
              <tr>
                <th>Fronted by (gateway)</th>
                <th>Scope map (gateway → this)</th>
                <th />
              </tr>
            </thead>
            <tbody>{d.fronted_by.map((l) => row(l, l.source, true))}</tbody>
          </table>
        )}
        {others.length > 0 && (
          <div className="row wrap" role="group" aria-label="New fronting link">
            <Field label="Hidden resource">
              {(id) => (
                <select id={id} className="select" value={target} onChange={(e) => setTarget(e.target.value)}>
                  <option value="">Choose…</option>
                  {others.map((r) => (
                    <option key={r.slug} value={r.slug}>
                      {r.slug}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Scope map" hint="source:target pairs, e.g. read:read,write:write (+ fans out: read:repo+org)" error={error}>
              {(id, desc) => <input id={id} aria-describedby={desc} className="input mono" value={map} placeholder="A:AA,B:BB" onChange={(e) => setMap(e.target.value)} />}
            </Field>
            <Button variant="primary" busy={busy} disabled={!target || !map.trim()} onClick={add}>
              Add link
            </Button>
          </div>
        )}
      </div>
      <FrontingEditForm
        link={editing}
        onClose={() => setEditing(undefined)}
        onSaved={(l) => {
          toast({ kind: 'success', title: 'Scope map saved', detail: `${l.source} → ${l.target}` });
          links.reload();
        }}
      />
    </section>
  );
}
