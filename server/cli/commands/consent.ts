/** `authserver admin consent …`: remembered consent grants; revoking one revokes its tokens. */
import { Command } from 'commander';
import type { ConsentGrant } from '../../contracts';
import { withAdminPort } from '../adminPort';
import { run, subjectFlag, withCommon } from '../common';
import { printJson, table } from '../output';

export function consentCommand(): Command {
  const cmd = new Command('consent').description('list and revoke remembered consent');

  withCommon(cmd.command('list').description('list consent grants (newest first)'))
    .option('--user <sub>', 'only this user (subject)')
    .option('--sub <sub>', 'same as --user')
    .option('--client <client_id>', 'only this client')
    .option('--resource <slug>', 'only this resource')
    .option('--all', 'include revoked grants')
    .action(
      run<{ user?: string; sub?: string; client?: string; resource?: string; all?: boolean }>(async ({ opts, out, json, dataDir }) => {
        const rows = await withAdminPort(await dataDir(), (p) => p.listConsents({ sub: subjectFlag(opts), client_id: opts.client, resource: opts.resource, include_revoked: opts.all }));
        if (json) return printJson(out, rows);
        out.stdout(
          table<ConsentGrant>(
            rows,
            [
              ['id', (g) => g.id],
              ['sub', (g) => g.sub],
              ['client_id', (g) => g.client_id],
              ['resource', (g) => g.resource],
              ['scopes', (g) => g.scopes.join(' ')],
              ['updated_at', (g) => g.updated_at],
              ['revoked_at', (g) => g.revoked_at],
            ],
            'no consent grants found',
          ),
        );
      }),
    );

  withCommon(cmd.command('revoke').description('revoke a grant: its refresh tokens and live access tokens are revoked too').argument('<id>', 'grant id')).action(
    run(async ({ out, json, dataDir }, id) => {
      const g = await withAdminPort(await dataDir(), (p) => p.revokeConsent(id!));
      if (json) return printJson(out, g);
      out.stdout(`consent revoked: id=${g.id} sub=${g.sub} client_id=${g.client_id} resource=${g.resource}`);
    }),
  );
  return cmd;
}
