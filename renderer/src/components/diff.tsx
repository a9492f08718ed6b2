/** Expected vs actual with the differing characters marked (aud vs resource URI, iss vs issuer). */
import type { Check } from '../lib/jwt';

export function DiffView({ d }: { d: NonNullable<Check['diff']> }) {
  return (
    <div className="diff" aria-label={`Difference between the token and ${d.label}`}>
      <span className="lbl">expected</span>
      <span className="val">
        {d.parts.map((p, i) => (p.kind === 'added' ? null : p.kind === 'removed' ? <del key={i} title="missing from the token">{p.text}</del> : <span key={i}>{p.text}</span>))}
      </span>
      <span className="lbl">token</span>
      <span className="val">
        {d.parts.map((p, i) => (p.kind === 'removed' ? null : p.kind === 'added' ? <ins key={i} title="not in the expected value">{p.text}</ins> : <span key={i}>{p.text}</span>))}
      </span>
    </div>
  );
}
