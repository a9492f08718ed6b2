/**
 * A vertical timeline of HTTP steps: a rail of status dots, each step with its endpoint, method,
 * status and timing; a failed step in red with the server's explanation (check, what happened,
 * spec, next, fix) shown in full; a fault that answered marked; each step opening onto its
 * exchange. The Flows view draws a client's flow with it, the doctor panel its walk.
 */
import { useId, useState, type KeyboardEvent, type ReactElement, type ReactNode } from 'react';
import type { FlowExchange, FlowExplanation } from '../../../server/contracts';
import { ExchangeView } from './exchange';
import { IconAlert, IconCheck, IconChevronRight, IconInfo, IconX, IconZap } from './icons';
import { Badge } from './ui';
import './timeline.css';

export type StepTone = 'pass' | 'fail' | 'warn' | 'skip';

export interface TimelineStep {
  id: string;
  tone: StepTone;
  title: ReactNode;
  /** The request line under the title, e.g. `POST /oauth/token`. */
  method?: string;
  target?: string;
  /** HTTP status. */
  status?: number;
  durationMs?: number;
  /** When it happened (local time shown). */
  at?: string;
  /** One line of what was seen. */
  detail?: ReactNode;
  /** Why it went wrong and what to do; shown in full, never collapsed. */
  explanation?: FlowExplanation;
  /** The armed fault that answered this step. */
  faultId?: string;
  exchange?: FlowExchange;
  /** The request as a shell command (the server writes it, masked like the exchange). */
  curl?: string;
  /** Anything else under the explanation (e.g. a byte-for-byte difference). */
  extra?: ReactNode;
}

const ICONS: Record<StepTone, ReactElement> = { pass: <IconCheck />, fail: <IconX />, warn: <IconAlert />, skip: <IconInfo /> };
const TONE_WORD: Record<StepTone, string> = { pass: 'passed', fail: 'failed', warn: 'warning', skip: 'skipped' };
const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3 });

function statusTone(status: number, tone: StepTone): 'green' | 'red' | 'amber' | 'blue' {
  if (tone === 'fail') return 'red';
  if (status >= 400) return 'amber';
  return status >= 300 ? 'blue' : 'green';
}

/** `e.check` may be empty where the step's title already names the check (a doctor step). */
export function Explanation({ e, tone }: { e: FlowExplanation; tone: StepTone }) {
  const rows: Array<[string, string | undefined]> = [
    ['What happened', e.detail],
    ['Specification', e.spec],
    ['Next', e.next],
    ['Fix', e.fix],
  ];
  return (
    <div className={`tl-explain ${tone}`} role="note" aria-label={tone === 'fail' ? 'Why this step failed' : 'About this step'}>
      {e.check && <div className="tl-explain-check">{e.check}</div>}
      <dl>
        {rows
          .filter((r): r is [string, string] => !!r[1])
          .map(([k, v]) => (
            <div key={k} className={k === 'Fix' ? 'fix' : undefined}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
      </dl>
    </div>
  );
}

function Step({ s, maskedNote, open, onToggle }: { s: TimelineStep; maskedNote?: string; open: boolean; onToggle: () => void }) {
  const bodyId = useId();
  const head = (
    <>
      <span className="tl-title">{s.title}</span>
      {s.method && (
        <span className="tl-req mono" title={`${s.method} ${s.target ?? ''}`}>
          <span className="tl-method">{s.method}</span> {s.target}
        </span>
      )}
    </>
  );
  return (
    <li className={`tl-step ${s.tone}${s.faultId ? ' fault' : ''}`} data-step={s.id}>
      <span className="tl-dot">
        {ICONS[s.tone]}
        <span className="sr-only">{TONE_WORD[s.tone]}</span>
      </span>
      <div className="tl-card">
        <div className="tl-head">
          {s.exchange ? (
            <button type="button" className="tl-toggle" aria-expanded={open} aria-controls={bodyId} onClick={onToggle}>
              <IconChevronRight className="tl-chevron" />
              <span className="tl-head-text">{head}</span>
            </button>
          ) : (
            <span className="tl-head-text plain">{head}</span>
          )}
          <span className="tl-meta">
            {s.faultId && (
              <Badge tone="amber" title={`Fault ${s.faultId} answered this request`}>
                <IconZap className="badge-icon" /> fault
              </Badge>
            )}
            {s.status !== undefined && (
              <Badge tone={statusTone(s.status, s.tone)} mono>
                {s.status}
              </Badge>
            )}
            {s.durationMs !== undefined && <span className="faint small">{s.durationMs < 1 ? '<1' : Math.round(s.durationMs)} ms</span>}
            {s.at && <span className="faint small tl-at">{timeFmt.format(Date.parse(s.at))}</span>}
          </span>
        </div>
        {s.detail && <div className="tl-detail">{s.detail}</div>}
        {s.explanation && <Explanation e={s.explanation} tone={s.tone} />}
        {s.extra}
        {s.exchange && open && (
          <div id={bodyId} className="tl-exchange">
            <ExchangeView exchange={s.exchange} curl={s.curl} maskedNote={maskedNote} />
          </div>
        )}
      </div>
    </li>
  );
}

/** `maskedNote`: shown under each curl command while secrets are masked. Arrow keys move between the steps' toggles. */
export function Timeline({ label, steps, maskedNote }: { label: string; steps: TimelineStep[]; maskedNote?: string }) {
  const [open, setOpen] = useState<ReadonlySet<string>>(() => new Set());
  const toggle = (id: string) =>
    setOpen((o) => {
      const n = new Set(o);
      if (!n.delete(id)) n.add(id);
      return n;
    });
  const onKey = (e: KeyboardEvent<HTMLOListElement>) => {
    const d = e.key === 'ArrowDown' ? 1 : e.key === 'ArrowUp' ? -1 : 0;
    const here = (e.target as HTMLElement).closest('.tl-toggle');
    if (!d || !here) return;
    const all = [...e.currentTarget.querySelectorAll<HTMLButtonElement>('.tl-toggle')];
    const next = all[all.indexOf(here as HTMLButtonElement) + d];
    if (next) {
      e.preventDefault();
      next.focus();
    }
  };
  return (
    <ol className="timeline" aria-label={label} onKeyDown={onKey}>
      {steps.map((s) => (
        <Step key={s.id} s={s} maskedNote={maskedNote} open={open.has(s.id)} onToggle={() => toggle(s.id)} />
      ))}
    </ol>
  );
}
