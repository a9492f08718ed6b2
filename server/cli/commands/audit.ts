/** `authserver admin audit list`: the audit trail, newest first, filtered (GET /admin/api/audit). */
import { Command } from 'commander';
import type { AppEvent } from '../../contracts';
import { auditFacets } from '../../contracts/auditFacets';
import { auditSummary } from '../../contracts/auditSummary';
import { withAdminPort } from '../adminPort';
import { checkSinceFlag, defined, parseIntFlag, run, subjectFlag, withCommon } from '../common';
import { printJson, table } from '../output';

interface AuditFlags {
  type?: string;
  user?: string;
  sub?: string;
  client?: string;
  resource?: string;
  since?: string;
  until?: string;
  limit?: string;
}

export function auditTable(events: AppEvent[]): string {
  return table(
    events.map((e) => ({ e, f: auditFacets(e) })),
    [
      ['at', (r) => r.e.at],
      ['type', (r) => r.e.type],
      ['sub', (r) => r.f.sub],
      ['client', (r) => r.f.client],
      ['resource', (r) => r.f.resource],
      ['detail', (r) => auditSummary(r.e)],
    ],
    'no audit events found',
  );
}

export function auditCommand(): Command {
  const cmd = new Command('audit').description('read the audit trail');
  withCommon(cmd.command('list').description('list audit events, newest first'))
    .option('--type <type>', 'only this event type (token.issued) or group (token)')
    .option('--user <sub>', 'only events about this subject')
    .option('--sub <sub>', 'same as --user')
    .option('--client <client_id>', 'only events about this client')
    .option('--resource <slug>', 'only events about this resource')
    .option('--since <time>', 'only events at or after: a duration back from now (30m, 24h, 7d) or an RFC 3339 time; at most 30 days')
    .option('--until <time>', 'only events at or before (same forms as --since)')
    .option('--limit <n>', 'at most this many events (1..5000)', '200')
    .action(
      run<AuditFlags>(async ({ opts, out, json, dataDir }) => {
        checkSinceFlag('since', opts.since);
        checkSinceFlag('until', opts.until);
        const limit = parseIntFlag('--limit', opts.limit, 1, 5000);
        const q = defined({ type: opts.type, sub: subjectFlag(opts), client: opts.client, resource: opts.resource, since: opts.since, until: opts.until, limit: String(limit) }) as Record<string, string>;
        const page = await withAdminPort(await dataDir(), (p) => p.listAudit(q));
        if (json) return printJson(out, page);
        out.stdout(auditTable(page.events));
      }),
    );
  return cmd;
}
