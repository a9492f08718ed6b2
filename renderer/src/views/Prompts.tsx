/** Consent prompts: the live queue of pending authorization requests. */
import { useEffect, useRef, useState } from 'react';
import type { ConsentWaiter, PendingInteraction, RegistrationSource } from '../../../server/contracts';
import { api } from '../api/admin';
import { useLoad, useNow } from '../api/hooks';
import { IconAlert, IconInbox, IconInfo } from '../components/icons';
import { useToast } from '../components/toast';
import { Badge, Button, CodeBlock, EmptyState, PageHeader } from '../components/ui';
import { navigate } from '../lib/router';
import { useCatalog } from '../state/catalog';

export const SOURCE_LABEL: Record<RegistrationSource, string> = { admin: 'Registered by admin', dcr: 'Dynamic registration', cimd: 'Metadata document' };
const SOURCE_TONE: Record<RegistrationSource, 'blue' | 'accent' | 'outline'> = { admin: 'outline', dcr: 'accent', cimd: 'blue' };

const WAITER_LABEL: Record<ConsentWaiter, string> = { browser: 'the consent page in a browser tab', cli: 'authserver connect' };

/** Who picks up the decision: shown on the card and in the toast after approving. */
export function waitingText(p: Pick<PendingInteraction, 'waiting' | 'stale'>): string {
  if (p.stale === 'superseded') return 'Stale: this client finished another authorization since; nobody will pick this decision up.';
  if (p.stale === 'abandoned') return 'Stale: whatever started this request has gone (tab closed or command stopped); nobody will pick this decision up.';
  if (p.waiting.length === 0) return 'Nothing is waiting on this request yet (the browser has not opened the consent page).';
  return `Waiting: ${p.waiting.map((w) => WAITER_LABEL[w]).join(' and ')}.`;
}

function countdown(ms: number): string {
  if (ms <= 0) return 'expired';
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export function PromptsView() {
  const { pending, resources, loaded: catalogLoaded, mode } = useCatalog();
  const status = useLoad(api.status);
  const seen = useRef(new Set<string>());
  const firstRender = useRef(true);
  useEffect(() => {
    firstRender.current = false;
  }, []);
  const auto = status.data?.consent_mode === 'auto';
  return (
    <div className="page">
      <PageHeader
        title="Consent prompts"
        description="Authorization requests waiting for a decision. Approving here completes the flow for whatever waits on it: the consent page in a browser tab, or authserver connect."
        actions={pending.length > 0 ? <Badge tone="accent">{pending.length} waiting</Badge> : undefined}
      />
      <div className="page-body">
        {auto && (
          <div className="callout info prompt-list">
            <IconInfo />
            <span>
              This server runs with <code>--consent auto</code>: every valid request is approved as <code>{status.data?.default_user}</code> without a prompt. Restart it without that flag to decide here.
            </span>
          </div>
        )}
        {pending.length === 0 ? (
          resources.length === 0 && catalogLoaded ? (
            <EmptyState
              icon={<IconInbox />}
              title="No pending requests"
              actions={
                <Button variant="primary" onClick={() => navigate('/resources')}>
                  Register your MCP server
                </Button>
              }
            >
              <p>Requests show up here when an MCP client asks for access to one of your resources. There are no resources yet: register the MCP server you are building first.</p>
            </EmptyState>
          ) : (
            <EmptyState icon={<IconInbox />} title="No pending requests">
              <p>
                When an MCP client starts an authorization, its request appears here the moment it arrives{mode === 'bridge' ? ', and this window comes forward' : ''}. Connect a client to your MCP server to try it, for example the MCP Inspector:
              </p>
              <CodeBlock label="example" copy="npx @modelcontextprotocol/inspector">{`npx @modelcontextprotocol/inspector`}</CodeBlock>
            </EmptyState>
          )
        ) : (
          <ul className="prompt-list" aria-label="Pending requests">
            {pending.map((p) => {
              const isNew = !firstRender.current && !seen.current.has(p.uid);
              seen.current.add(p.uid);
              return (
                <li key={p.uid} className="list-reset">
                  <PromptCard p={p} entering={isNew} />
                </li>
              );
            })}
          </ul>
        )}
      </div>
    </div>
  );
}

function PromptCard({ p, entering }: { p: PendingInteraction; entering: boolean }) {
  const { users, dropPending } = useCatalog();
  const toast = useToast();
  const now = useNow(1000);
  const [scopes, setScopes] = useState<string[]>(() => p.scopes.map((s) => s.name));
  const [sub, setSub] = useState(p.default_sub);
  const [busy, setBusy] = useState<'approve' | 'deny' | null>(null);
  const [error, setError] = useState<string>();
  const host = (() => {
    try {
      return new URL(p.redirect_uri).host || p.redirect_uri;
    } catch {
      return p.redirect_uri;
    }
  })();
  const titleId = `prompt-${p.uid}`;
  const left = Date.parse(p.expires_at) - now;
  const userKnown = users.some((u) => u.sub === sub);

  const decide = async (action: 'approve' | 'deny') => {
    setBusy(action);
    setError(undefined);
    try {
      await api.decide(p.uid, action === 'approve' ? { action, sub, scopes } : { action });
      dropPending(p.uid);
      toast(
        action === 'approve'
          ? { kind: 'success', title: `Approved ${p.client.client_name}`, detail: `Granted ${scopes.join(', ') || 'no scopes'} as ${sub}. ${p.waiting.includes('cli') && !p.waiting.includes('browser') ? 'authserver connect picks up the code.' : p.waiting.length ? `The browser tab returns to ${host} with a code.` : `The code goes to ${host}, if anything still listens there.`}` }
          : { kind: 'info', title: `Denied ${p.client.client_name}`, detail: `The client receives access_denied at ${host}.` },
      );
    } catch (e) {
      setError((e as Error).message);
      setBusy(null);
    }
  };

  return (
    <article className={`card prompt${entering ? ' entering' : ''}`} aria-labelledby={titleId}>
      <div className="prompt-top">
        <div className="avatar" aria-hidden="true">
          {p.client.client_name.slice(0, 1).toUpperCase()}
        </div>
        <div className="stack sm">
          <h2 className="prompt-title" id={titleId}>
            <strong>{p.client.client_name}</strong> wants access to <strong>{p.resource.display_name}</strong>
          </h2>
          <div className="prompt-meta">
            <Badge tone={SOURCE_TONE[p.client.registration_source]}>{SOURCE_LABEL[p.client.registration_source]}</Badge>
            <span className="mono truncate" title="client_id">
              {p.client.client_id}
            </span>
            <span aria-hidden="true">→</span>
            <span className="mono truncate" title="resource URI (token audience)">
              {p.resource.uri}
            </span>
          </div>
        </div>
        <div className="prompt-timer" title={`Expires at ${new Date(p.expires_at).toLocaleTimeString()}`}>
          <span className="sr-only">Expires in </span>
          {countdown(left)}
        </div>
      </div>
      <p className={`prompt-waiting small${p.stale ? ' stale' : ' muted'}`} data-testid="prompt-waiting">
        {p.stale && <Badge tone="amber">Stale</Badge>}
        <span>{waitingText(p)}</span>
      </p>
      {p.warnings.length > 0 && (
        <div className="warn-list">
          {p.warnings.map((w) => (
            <div className="callout" key={w}>
              <IconAlert />
              <span>{w}</span>
            </div>
          ))}
        </div>
      )}
      <div className="prompt-body">
        <fieldset>
          <legend>Requested permissions · uncheck to narrow</legend>
          {p.scopes.length === 0 ? (
            <p className="muted small">No scopes requested: the token will carry no scope.</p>
          ) : (
            <div className="scope-list">
              {p.scopes.map((s) => (
                <label className="check" key={s.name}>
                  <input
                    type="checkbox"
                    checked={scopes.includes(s.name)}
                    onChange={(e) => setScopes((xs) => (e.target.checked ? p.scopes.map((x) => x.name).filter((n) => n === s.name || xs.includes(n)) : xs.filter((x) => x !== s.name)))}
                  />
                  <span className="check-text">
                    <span>{s.description || s.name}</span>
                    <small className="mono">{s.name}</small>
                  </span>
                </label>
              ))}
            </div>
          )}
          {(p.kept_scopes[sub]?.length ?? 0) > 0 && (
            <p className="muted small" data-testid="prompt-kept">
              Already allowed earlier by {sub}, and kept with this request: {p.kept_scopes[sub]!.map((x) => `${x.description || x.name} (${x.name})`).join(', ')}.
            </p>
          )}
        </fieldset>
        <div className="field">
          <label htmlFor={`${titleId}-sub`}>Approve as</label>
          <select id={`${titleId}-sub`} className="select" value={sub} onChange={(e) => setSub(e.target.value)}>
            {!userKnown && <option value={sub}>{sub}</option>}
            {users.map((u) => (
              <option key={u.sub} value={u.sub}>
                {u.name === u.sub ? u.sub : `${u.name} (${u.sub})`}
              </option>
            ))}
          </select>
          <div className="hint">The token's sub. Add test users under Users.</div>
        </div>
      </div>
      {error && (
        <div className="warn-list">
          <div className="form-error" role="alert">
            {error}
          </div>
        </div>
      )}
      <div className="prompt-foot">
        <span className="redirect truncate">
          Returns to <span className="mono">{host}</span>
        </span>
        <span className="spacer" />
        <Button onClick={() => decide('deny')} busy={busy === 'deny'} disabled={!!busy} aria-label={`Deny ${p.client.client_name}`}>
          Deny
        </Button>
        <Button
          variant="primary"
          onClick={() => decide('approve')}
          busy={busy === 'approve'}
          disabled={!!busy || (p.scopes.length > 0 && scopes.length === 0)}
          aria-label={`Approve ${p.client.client_name}`}
          title={p.scopes.length > 0 && scopes.length === 0 ? 'Select at least one permission, or deny' : undefined}
        >
          Approve
        </Button>
      </div>
    </article>
  );
}
