/** The flows, newest first: who, for which resource, how it ended, and a dot per step. */
import type { FlowSummary } from '../../../server/contracts';
import { Badge } from '../components/ui';
import { href } from '../lib/router';
import { shortDate } from '../lib/time';
import { ENDPOINT_LABEL, flowTitle, KIND_LABEL, OUTCOME } from './flowLabels';

function StepDots({ f }: { f: FlowSummary }) {
  const failed = f.steps.filter((s) => !s.ok).length;
  return (
    <span className="fl-dots">
      {f.steps.map((s) => (
        <span key={s.id} className={`fl-dot ${s.ok ? 'ok' : s.id === f.failed_step_id ? 'fail' : 'warn'}`} title={`${ENDPOINT_LABEL[s.endpoint]}: ${s.status}`} aria-hidden="true" />
      ))}
      <span className="sr-only">
        {f.steps.length} step{f.steps.length === 1 ? '' : 's'}
        {failed ? `, ${failed} failed` : ''}
      </span>
    </span>
  );
}

export function FlowList({ flows, selected, now }: { flows: FlowSummary[]; selected?: string; now: number }) {
  return (
    <ul className="flow-list" aria-label="Flows, newest first">
      {flows.map((f) => {
        const o = OUTCOME[f.outcome];
        return (
          <li key={f.id} data-flow={f.id}>
            <a href={href(`/flows/${encodeURIComponent(f.id)}`)} aria-current={f.id === selected ? 'true' : undefined} className={`fl-item ${f.outcome}`}>
              <span className="fl-top">
                <span className="fl-title">{flowTitle(f)}</span>
                <Badge tone={o.tone}>{o.label}</Badge>
              </span>
              <span className="fl-sub">
                <span>{KIND_LABEL[f.kind]}</span>
                {f.resource && <span className="mono fl-res">{f.resource}</span>}
              </span>
              <span className="fl-bottom">
                <StepDots f={f} />
                <span className="faint small" title={f.started_at}>
                  {shortDate(Date.parse(f.started_at), now)}
                  {f.sub ? ` · ${f.sub}` : ''}
                </span>
              </span>
            </a>
          </li>
        );
      })}
    </ul>
  );
}
