/** The issuance rows an exchanged token came from (parent_jti, up to the user's own token), newest first. */
import type { IssuanceRow } from '../api/admin';
import { api } from '../api/admin';
import { useLoad } from '../api/hooks';
import { ErrorNote } from '../components/ui';

/** The product caps a chain at 8 (agent_chain); a longer walk means broken data, not a longer chain. */
const MAX_HOPS = 8;

async function parents(row: IssuanceRow): Promise<IssuanceRow[]> {
  const out: IssuanceRow[] = [];
  for (let jti = row.parent_jti; jti && out.length < MAX_HOPS; ) {
    const parent = await api.issuance(jti);
    out.push(parent);
    jti = parent.parent_jti;
  }
  return out;
}

export function ExchangeLineage({ row }: { row: IssuanceRow }) {
  const chain = useLoad(() => parents(row), [row.jti], ['token.revoked']);
  if (chain.error) return <ErrorNote error={chain.error} retry={chain.reload} />;
  return (
    <table className="table" aria-label="Exchanged from">
      <thead>
        <tr>
          <th>Exchanged from</th>
          <th>Client</th>
          <th>Resource</th>
          <th>Scope</th>
          <th>State</th>
        </tr>
      </thead>
      <tbody>
        {[row, ...(chain.data ?? [])].map((r, i) => (
          <tr key={r.jti} data-jti={r.jti}>
            <td className="mono small">
              {i === 0 ? 'this token' : r.jti}
              <span className="faint"> · {r.grant === 'urn:ietf:params:oauth:grant-type:token-exchange' ? 'exchanged' : r.grant}</span>
            </td>
            <td className="mono small">{r.client_id}</td>
            <td className="mono small">{r.resource}</td>
            <td className="mono small">{r.scope}</td>
            <td className="small">{r.state}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
