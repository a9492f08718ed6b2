/** Expected vs actual with the differing characters marked (aud vs resource URI, iss vs issuer). */
import type { Check } from '../lib/jwt';

export function DiffView({ d, actualLabel = 'token' }: { d: NonNullable<Check['diff']>; actualLabel?: string }) {
  return (
    <div className="diff" aria-label={`Difference between the ${actualLabel} and the ${d.label}`}>
      <span className="lbl">expected</span>
      <span className="val">
        {d.parts.map((p, i) => (p.kind === 'added' ? null : p.kind === 'removed' ? <del key={i} title={`missing from the ${actualLabel}`}>{p.text}</del> : <span key={i}>{p.text}</span>))}
      </span>
      <span className="lbl">{actualLabel}</span>
      <span className="val">
        {d.parts.map((p, i) => (p.kind === 'removed' ? null : p.kind === 'added' ? <ins key={i} title="not in the expected value">{p.text}</ins> : <span key={i}>{p.text}</span>))}
      </span>
    </div>
  );
}
