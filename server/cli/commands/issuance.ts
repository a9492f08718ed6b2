/** `authserver admin issuance …`: the log of every token issued, and revocation. */
import { Command, Option } from 'commander';
import type { IssuanceQuery } from '../../contracts';
import { GRANT_TYPES, ISSUANCE_STATES } from '../../contracts/enums';
import { withAdminPort } from '../adminPort';
import { checkSinceFlag, parseIntFlag, run, subjectFlag, withCommon } from '../common';
import { SINCE_DEFAULT } from '../../contracts/since';
import { ALL_PAGE, printIssuanceList, stdoutWrite } from '../issuanceList';
import { issuanceDetails, issuanceTable } from '../issuanceFormat';
import { printJson, usageError } from '../output';

export { issuanceDetails, issuanceTable };

/** The query's fields as flags; --limit arrives as text. */
type ListFlags = Omit<IssuanceQuery, 'limit'> & { user?: string; limit?: string; all?: boolean };

const LIST_HELP = `
Output:
  (default)  a table; when more rows match, a last line \`more: --cursor <c>\`
  --json     {"issuances":[…],"next_cursor":"<c>"|null}: pass next_cursor back as --cursor
  --all      every matching row, one JSON object per line (follows the cursor itself)

--since takes a duration back from now (30m, 24h, 7d, 2w) or an RFC 3339 time; default
${SINCE_DEFAULT}, at most 30 days; ignored with --jti.`;

export function issuanceCommand(): Command {
  const cmd = new Command('issuance').description('inspect and revoke issued tokens');

  withCommon(cmd.command('list').description('list issuances, newest first'))
    .option('--resource <slug>', 'only this resource')
    .option('--client <client_id>', 'only this client')
    .option('--user <sub>', 'only this subject (user id)')
    .option('--sub <sub>', 'same as --user')
    .addOption(new Option('--grant <grant>', 'only this grant type').choices(GRANT_TYPES))
    .addOption(new Option('--state <state>', 'only this state').choices(ISSUANCE_STATES))
    .option('--jti <jti>', 'only this token id')
    .option('--since <duration>', `only tokens issued since (duration or RFC 3339; max 30d)`, SINCE_DEFAULT)
    .option('--limit <n>', `page size (1..5000; default 50, ${ALL_PAGE} with --all)`)
    .option('--cursor <cursor>', 'continue after a previous page (next_cursor)')
    .option('--all', 'print every matching row as JSON lines')
    .addHelpText('after', LIST_HELP)
    .action(
      run<ListFlags>(async ({ opts, json, dataDir }) => {
        const limit = parseIntFlag('--limit', opts.limit, 1, 5000) ?? (opts.all ? ALL_PAGE : 50);
        const { resource, client, grant, state, jti, cursor, since } = opts;
        checkSinceFlag('since', since);
        const q: IssuanceQuery = { resource, client, sub: subjectFlag(opts), grant, state, jti, since, limit, cursor };
        const mode = opts.all ? 'all' : json ? 'json' : 'table';
        // With no server, only the issuance log is opened (read-only), not the whole store and services.
        const offline = async (dir: string) => (await import('../offlineIssuances')).openOfflineIssuances(dir);
        await withAdminPort(await dataDir(), (p) => printIssuanceList((page) => p.listIssuances(page), q, mode, stdoutWrite), offline);
      }),
    );

  withCommon(cmd.command('show').alias('get').description('show one issuance (the product spells it `get --id <jti>`)').argument('[jti]', 'token id'))
    .option('--id <jti>', 'token id')
    .action(
      run<{ id?: string }>(async ({ opts, out, json, dataDir }, arg) => {
        if (arg !== undefined && opts.id !== undefined && arg !== opts.id) throw usageError('give the token id once: as an argument or as --id');
        const jti = opts.id ?? arg;
        if (!jti) throw usageError('missing token id: `issuance get --id <jti>`');
        const row = await withAdminPort(await dataDir(), (p) => p.getIssuance(jti));
        if (json) return printJson(out, row);
        out.stdout(issuanceDetails(row));
      }),
    );

  withCommon(cmd.command('revoke').description('revoke one access token (idempotent)').argument('<jti>', 'token id')).action(
    run(async ({ out, json, dataDir }, jti) => {
      const row = await withAdminPort(await dataDir(), (p) => p.revokeIssuance(jti!));
      if (json) return printJson(out, row);
      out.stdout(`issuance revoked: jti=${row.jti} revoked_at=${row.revoked_at ?? '-'}`);
    }),
  );

  withCommon(cmd.command('revoke-family').description('revoke a refresh-token family and its live access tokens').argument('<family_id>', 'family id (family_id of an issuance)')).action(
    run(async ({ out, json, dataDir }, id) => {
      const r = await withAdminPort(await dataDir(), (p) => p.revokeFamily(id!));
      if (json) return printJson(out, r);
      out.stdout(`family revoked: family_id=${r.family_id}`);
    }),
  );
  return cmd;
}
