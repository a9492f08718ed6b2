/**
 * An exchanged token's `act` claim (RFC 8693 §4.1), explained step by step: who the token is
 * for, which agent the user approved, and each gateway that exchanged it since, the outermost
 * (the one presenting it now) last. MCP servers decide on the outermost actor only.
 */
import type { ActClaim, ClientView, Resource } from '../../../server/contracts';
import { actChain } from '../../../server/contracts/actChain';

export function ActChain({ act, sub, clients, resources }: { act: ActClaim; sub: unknown; clients: ClientView[]; resources: Resource[] }) {
  // Innermost first: the order things happened in.
  const actors = actChain(act).reverse();
  const kind = (id: string) => {
    const r = resources.find((x) => x.slug === id);
    if (r) return `(${r.display_name}, a resource)`;
    const c = clients.find((x) => x.client_id === id);
    return c ? `(${c.client_name}, a client)` : '';
  };
  return (
    <ol className="act-chain" aria-label="Delegation chain">
      <li data-step="subject">
        <span className="mono">{String(sub)}</span> <span className="muted">is the subject (sub): the user every actor below acts for.</span>
      </li>
      {actors.map((a, i) => {
        const last = i === actors.length - 1;
        const text =
          i === 0
            ? `the agent the user approved${actors.length > 1 ? ' (act' + '.act'.repeat(actors.length - 1) + '.sub)' : ' (act.sub)'}.`
            : last
              ? 'exchanged the token for this audience (act.sub): the current actor, the one MCP servers authorize on.'
              : `a gateway that exchanged it on the way (act${'.act'.repeat(actors.length - 1 - i)}.sub).`;
        return (
          <li key={`${i}-${a}`} data-step={i === 0 ? 'agent' : last ? 'actor' : 'gateway'}>
            <span className="mono">{a}</span> <span className="faint">{kind(a)}</span> <span className="muted">{text}</span>
          </li>
        );
      })}
    </ol>
  );
}
