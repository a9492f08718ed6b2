/**
 * One flow as a vertical timeline of its steps, live while it goes on. Secrets stay masked until
 * the user asks to reveal them (a refetch with ?reveal=true from this local server); the flow
 * exports as HAR 1.2, masked the same way.
 */
import { useState } from 'react';
import { api } from '../api/admin';
import { useAppEvents, useLoad } from '../api/hooks';
import { IconDownload, IconEye, IconEyeOff, IconLock, IconX } from '../components/icons';
import { Timeline } from '../components/timeline';
import { useToast } from '../components/toast';
import { Badge, Button, ErrorNote } from '../components/ui';
import { localDate } from '../lib/time';
import { flowTimelineStep, flowTitle, KIND_LABEL, OUTCOME, stepTitle } from './flowLabels';

const MASKED_NOTE = 'Secrets are masked in this command: reveal the secrets to copy one that replays as is.';

/** A download of `text` as `name`, made here: the admin API needs the window's credentials, a plain link has none. */
function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function FlowDetail({ id }: { id: string }) {
  const toast = useToast();
  const [reveal, setReveal] = useState(false);
  const [exporting, setExporting] = useState(false);
  const flow = useLoad(() => api.flow(id, reveal), [id, reveal]);
  useAppEvents(['flow.updated'], (e) => {
    if (e.data.flow.id === id && e.data.flow.updated_at !== flow.data?.updated_at) flow.reload();
  });
  const f = flow.data?.id === id ? flow.data : undefined;

  const exportHar = async () => {
    setExporting(true);
    try {
      const har = await api.flowHar(id, reveal);
      download(`authplane-${id}${reveal ? '-revealed' : ''}.har`, JSON.stringify(har, null, 2));
    } catch (e) {
      toast({ kind: 'error', title: 'Could not export the flow', detail: (e as Error).message });
    } finally {
      setExporting(false);
    }
  };

  if (flow.error && !f) return <ErrorNote error={flow.error} retry={flow.reload} />;
  if (!f) return <p className="muted flow-loading">Loading the flow…</p>;
  const outcome = OUTCOME[f.outcome];
  const failed = f.steps.find((s) => s.id === f.failed_step_id);
  return (
    <section className="flow-detail" aria-labelledby="flow-h">
      <header className="flow-head">
        <div className="stack sm">
          <div className="flow-title-line">
            <h2 id="flow-h">{flowTitle(f)}</h2>
            <Badge tone={outcome.tone} dot>
              {outcome.label}
            </Badge>
            <Badge tone="outline">{KIND_LABEL[f.kind]}</Badge>
          </div>
          <dl className="flow-facts">
            {f.client_id && f.client_id !== f.client_name && (
              <div>
                <dt>Client</dt>
                <dd className="mono">{f.client_id}</dd>
              </div>
            )}
            {f.resource && (
              <div>
                <dt>Resource</dt>
                <dd className="mono">{f.resource}</dd>
              </div>
            )}
            {f.sub && (
              <div>
                <dt>User</dt>
                <dd className="mono">{f.sub}</dd>
              </div>
            )}
            <div>
              <dt>Started</dt>
              <dd>{localDate(Date.parse(f.started_at))}</dd>
            </div>
          </dl>
        </div>
        <div className="flow-actions">
          <Button size="sm" icon={reveal ? <IconEyeOff /> : <IconEye />} onClick={() => setReveal((r) => !r)} aria-pressed={reveal}>
            {reveal ? 'Hide secrets' : 'Reveal secrets'}
          </Button>
          <Button size="sm" icon={<IconDownload />} busy={exporting} onClick={exportHar}>
            Export HAR
          </Button>
        </div>
      </header>
      {reveal ? (
        <div className="callout red" role="status">
          <IconLock />
          <span>
            <strong>Secrets revealed</strong> in this window only: codes, verifiers and tokens fetched from this AuthPlane on your machine, not sent anywhere else. An exported HAR now contains them too.
          </span>
        </div>
      ) : null}
      {failed && (
        <div className="callout red flow-failed" role="status">
          <IconX />
          <span>
            Failed at <strong>{stepTitle(failed)}</strong>
            {failed.error ? ` (${failed.error})` : ''}
            {failed.explanation ? `: the check “${failed.explanation.check}” did not pass` : ''}. The step is marked in red below, with what to do.
          </span>
        </div>
      )}
      {!!f.dropped_steps && <p className="faint small">{f.dropped_steps} earlier step{f.dropped_steps === 1 ? '' : 's'} rolled off (a flow keeps its latest steps).</p>}
      {flow.error && <ErrorNote error={flow.error} retry={flow.reload} />}
      <Timeline label="Flow steps" steps={f.steps.map((s) => flowTimelineStep(s, f.failed_step_id))} maskedNote={f.masked ? MASKED_NOTE : undefined} />
    </section>
  );
}
