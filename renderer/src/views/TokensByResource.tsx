/**
 * An agent's tokens grouped by resource (direct fan-out: one consent and one token stream per
 * MCP server). Counts the loaded rows of the client filter; a group narrows the log to it.
 */
import { issuanceState } from '../../../server/contracts';
import type { IssuanceRow } from '../api/admin';
import { Badge, Button } from '../components/ui';

export function TokensByResource({ rows, now, resourceName, onPick }: { rows: IssuanceRow[]; now: number; resourceName: Map<string, string>; onPick: (slug: string) => void }) {
  const groups = new Map<string, { total: number; active: number }>();
  for (const r of rows) {
    const g = groups.get(r.resource) ?? { total: 0, active: 0 };
    g.total++;
    if (issuanceState(r, now) === 'active') g.active++;
    groups.set(r.resource, g);
  }
  return (
    <div className="row wrap" role="group" aria-label="Tokens by resource">
      <span className="muted small">By resource:</span>
      {[...groups].map(([slug, g]) => (
        <Button key={slug} size="sm" data-resource={slug} onClick={() => onPick(slug)} title={`Show only ${slug}`}>
          {resourceName.get(slug) ?? slug}{' '}
          <Badge tone={g.active ? 'green' : 'outline'}>
            {g.active} active / {g.total}
          </Badge>
        </Button>
      ))}
    </div>
  );
}
