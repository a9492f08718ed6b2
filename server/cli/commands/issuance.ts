/** `authserver admin issuance …`: the log of every token issued, and revocation. */
import { Command, Option } from 'commander';
import type { IssuanceQuery } from '../../contracts';
import { GRANT_TYPES, ISSUANCE_STATES } from '../../contracts/enums';
import { withAdminPort } from '../adminPort';
import { parseIntFlag, run, withCommon } from '../common';
import { issuanceDetails, issuanceTable } from '../issuanceFormat';
import { printJson } from '../output';

export { issuanceDetails, issuanceTable };

/** The query's fields as flags; --limit arrives as text. */
type ListFlags = Omit<IssuanceQuery, 'limit'> & { limit?: string };

export function issuanceCommand(): Command {
  const cmd = new Command('issuance').description('inspect and revoke issued tokens');

  withCommon(cmd.command('list').description('list issuances, newest first'))
    .option('--resource <slug>', 'only this resource')
    .option('--client <client_id>', 'only this client')
    .option('--sub <sub>', 'only this subject')
    .addOption(new Option('--grant <grant>', 'only this grant type').choices(GRANT_TYPES))
    .addOption(new Option('--state <state>', 'only this state').choices(ISSUANCE_STATES))
    .option('--jti <jti>', 'only this token id')
    .option('--limit <n>', 'page size (1..5000)', '50')
    .option('--cursor <cursor>', 'continue after a previous page')
    .action(
      run<ListFlags>(async ({ opts, out, json, dataDir }) => {
        const limit = parseIntFlag('--limit', opts.limit, 1, 5000);
        const { resource, client, sub, grant, state, jti, cursor } = opts;
        const page = await withAdminPort(await dataDir(), (p) => p.listIssuances({ resource, client, sub, grant, state, jti, limit, cursor }));
        if (json) return printJson(out, page.issuances);
        out.stdout(issuanceTable(page.issuances));
        if (page.next_cursor) out.stdout(`more: --cursor ${page.next_cursor}`);
      }),
    );

  withCommon(cmd.command('show').alias('get').description('show one issuance').argument('<jti>', 'token id')).action(
    run(async ({ out, json, dataDir }, jti) => {
      const row = await withAdminPort(await dataDir(), (p) => p.getIssuance(jti!));
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
