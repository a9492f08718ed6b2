/**
 * While faults are armed, AuthPlane fails on purpose: a banner on every screen says which, how
 * many firings are left or until when, and clears them. Live through the event stream.
 */
import type { Fault } from '../../../server/contracts';
import { faultAnswer } from '../../../server/contracts/faultSummary';
import { api } from '../api/admin';
import { useLoad } from '../api/hooks';
import { useAction } from '../hooks/useAction';
import { IconAlert } from './icons';
import { Button } from './ui';

const FAULT_EVENTS = ['fault.armed', 'fault.fired', 'fault.disarmed'] as const;

function left(f: Fault): string {
  const parts: string[] = [];
  if (f.remaining !== null) parts.push(`${f.remaining} left`);
  if (f.expires_at) parts.push(`until ${new Date(f.expires_at).toLocaleTimeString()}`);
  return parts.join(', ');
}

export function FaultBanner() {
  const { data } = useLoad(api.faults, [], FAULT_EVENTS);
  const clear = useAction(() => api.clearFaults());
  if (!data || data.length === 0) return null;
  return (
    <section className="fault-banner" role="status" aria-label="Armed faults">
      <IconAlert />
      <div className="fault-banner-body">
        <strong>
          {data.length === 1 ? '1 fault armed' : `${data.length} faults armed`}: AuthPlane fails on purpose
        </strong>
        <ul>
          {data.map((f) => (
            <li key={f.id} className="mono">
              {f.endpoint}
              {f.grant_type && ` · grant ${f.grant_type}`}
              {f.client_id && ` · client ${f.client_id}`} → {faultAnswer(f)} <span className="muted">({left(f)})</span>
            </li>
          ))}
        </ul>
      </div>
      <Button size="sm" variant="secondary" busy={clear.busy} onClick={() => void clear.run()}>
        Clear
      </Button>
    </section>
  );
}
