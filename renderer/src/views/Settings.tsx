/**
 * Settings: the refresh grace of the running server (the one deviation from the AuthPlane product
 * the window can switch), and the serve settings fixed at start, read-only.
 */
import { useState } from 'react';
import type { SettingsView } from '../../../server/contracts';
import { api } from '../api/admin';
import { useLoad } from '../api/hooks';
import { IconAlert, IconInfo, IconPencil } from '../components/icons';
import { useToast } from '../components/toast';
import { Badge, Button, ErrorNote, PageHeader, Spinner } from '../components/ui';
import { formatSeconds } from '../lib/forms';
import { RefreshGraceForm } from './RefreshGraceForm';

const seconds = (s: number) => (s === 0 ? '0 s' : `${formatSeconds(s)}${s % 60 === 0 ? ` (${s} s)` : ' s'}`);

export default function SettingsView() {
  const toast = useToast();
  const [editing, setEditing] = useState(false);
  const settings = useLoad(() => api.settings(), [], ['settings.changed']);
  const v = settings.data;
  return (
    <div className="page">
      <PageHeader title="Settings" description="How this server behaves. The refresh grace can change while it runs; everything else is fixed by how it was started." />
      <div className="page-body stack">
        {settings.error && <ErrorNote error={settings.error} retry={settings.reload} />}
        {!v ? (
          !settings.error && <Spinner />
        ) : (
          <>
            <GraceCard v={v} onEdit={() => setEditing(true)} />
            <ServeCard v={v} />
            <RefreshGraceForm
              open={editing}
              current={v.refresh_grace_s}
              onClose={() => setEditing(false)}
              onSaved={(saved) => {
                settings.reload();
                toast({ kind: 'success', title: saved.refresh_grace_s === 0 ? 'Refresh rotation is strict' : `Refresh grace: ${seconds(saved.refresh_grace_s)}`, detail: 'Until the server stops' });
              }}
            />
          </>
        )}
      </div>
    </div>
  );
}

function GraceCard({ v, onEdit }: { v: SettingsView; onEdit: () => void }) {
  const on = v.refresh_grace_s > 0;
  return (
    <section className="card" aria-labelledby="grace-title">
      <div className="card-head">
        <h2 id="grace-title">Refresh-token rotation</h2>
        <div className="right">
          <Button size="sm" icon={<IconPencil />} onClick={onEdit}>
            Change refresh grace
          </Button>
        </div>
      </div>
      <div className="card-body stack">
        <dl className="kv">
          <dt>Refresh grace</dt>
          <dd data-testid="refresh-grace">
            {on ? (
              <Badge tone="amber" dot>
                {seconds(v.refresh_grace_s)}: deviation from the AuthPlane product
              </Badge>
            ) : (
              <Badge tone="green" dot>
                0 s: strict, as the AuthPlane product
              </Badge>
            )}
          </dd>
          <dt>At start</dt>
          <dd>
            {seconds(v.startup.refresh_grace_s)} <span className="muted">(a restart returns to it)</span>
          </dd>
        </dl>
        <div className={on ? 'callout' : 'callout info'} role="note">
          {on ? <IconAlert /> : <IconInfo />}
          <span>
            <strong>Deviation from the AuthPlane product.</strong> The product consumes a refresh token exactly once: any second use is reuse, revokes the whole token family and answers <span className="mono">invalid_grant</span> “token family revoked due to reuse detection”. A grace above 0 accepts a rotated-out token again for that long and answers with the same new token, which hides a client that loses or races its refresh responses. Test with 0 before you ship.
          </span>
        </div>
        <p className="muted small">
          A change here applies to the running server at once (rotations from then on) and lasts until it stops; the audit log records it. To keep a value, start the server with <span className="mono cmd">authserver serve --refresh-grace 30s</span> or put <span className="mono cmd">refresh-grace: 30s</span> in its <span className="mono cmd">--config</span> file. From a terminal: <span className="mono cmd">authserver admin settings set --refresh-grace 30s</span>.
        </p>
      </div>
    </section>
  );
}

function ServeCard({ v }: { v: SettingsView }) {
  const s = v.serve;
  return (
    <section className="card" aria-labelledby="serve-title">
      <div className="card-head">
        <h2 id="serve-title">Fixed at start</h2>
        <span className="sub">serve flags or the --config file; restart to change</span>
      </div>
      <div className="card-body">
        <dl className="kv">
          <dt>Issuer</dt>
          <dd className="mono">{s.issuer}</dd>
          <dt>Data directory</dt>
          <dd className="mono">{s.data_dir}</dd>
          <dt>Consent</dt>
          <dd>{s.consent_mode === 'auto' ? `auto: every valid request is approved as ${s.default_user}` : `prompt: approved here or in the browser (default user ${s.default_user})`}</dd>
          <dt>Mode</dt>
          <dd>{s.strict ? 'strict: product behaviour for scope and resource' : 'lenient: a missing scope or resource is accepted with a warning (--strict refuses it)'}</dd>
          <dt>Signing algorithm</dt>
          <dd>{s.signing_alg}</dd>
          <dt>Access-token lifetime</dt>
          <dd>{seconds(s.access_token_ttl_s)}</dd>
          <dt>Refresh-token lifetime</dt>
          <dd>{seconds(s.refresh_token_ttl_s)}</dd>
          <dt>Authorization-code lifetime</dt>
          <dd>{seconds(s.code_ttl_s)}</dd>
        </dl>
      </div>
    </section>
  );
}
