/** `authserver admin client …`: OAuth clients (agents). A secret is shown once, on create. */
import { Command, Option } from 'commander';
import type { ClientPruneResult, ClientView, CreatedClient } from '../../contracts';
import { withAdminPort } from '../adminPort';
import { collect, csv, defined, parseScopeSpec, parseSeconds, run, withCommon } from '../common';
import { keyValues, printJson, table, usageError } from '../output';

interface ClientFlags {
  name?: string;
  clientId?: string;
  grantTypes?: string;
  authMethod?: string;
  scopes?: string[];
  scope?: string;
  redirectUris?: string;
  applicationType?: 'native' | 'web';
  status?: string;
}

interface PruneFlags {
  olderThan?: string;
  dryRun?: boolean;
}

export function pruneSummary(r: ClientPruneResult): string {
  const what = `self-registered client${r.pruned.length === 1 ? '' : 's'} with no live grant, registered more than ${r.older_than} ago`;
  const head = r.pruned.length === 0 ? `no ${what}` : `${r.dry_run ? 'would delete' : 'deleted'} ${r.pruned.length} ${what}: ${r.pruned.join(', ')}`;
  return `${head}\n${r.remaining} of at most ${r.limit} self-registered clients ${r.dry_run ? 'exist' : 'remain'}`;
}

export function clientDetails(c: ClientView | CreatedClient): string {
  return keyValues([
    ['client_id', c.client_id],
    ['client_name', c.client_name],
    ['auth_method', c.token_endpoint_auth_method],
    ['grant_types', c.grant_types.join(',')],
    ['scope', c.scope.length ? c.scope.join(' ') : 'any scope of the requested resource'],
    ['redirect_uris', c.redirect_uris.length ? c.redirect_uris.join(', ') : c.token_endpoint_auth_method === 'none' ? 'any loopback redirect' : '-'],
    ['app_type', c.application_type ?? '-'],
    ['status', c.status],
    ['source', c.registration_source],
    ['created_at', c.created_at],
  ]);
}

export function clientTable(rows: ClientView[]): string {
  return table(
    rows,
    [
      ['client_id', (c) => c.client_id],
      ['name', (c) => c.client_name],
      ['auth_method', (c) => c.token_endpoint_auth_method],
      ['grant_types', (c) => c.grant_types.join(',')],
      ['scope', (c) => c.scope.join(' ')],
      ['source', (c) => c.registration_source],
      ['status', (c) => c.status],
    ],
    'no clients found',
  );
}

/** `--scopes 'read||Read access'` (repeatable, product resource form) and/or `--scope 'read write'`. */
function scopeNames(o: ClientFlags): string[] | undefined {
  if (o.scopes === undefined && o.scope === undefined) return undefined;
  const names = [...(o.scopes ?? []).map((s) => parseScopeSpec(s).name), ...(o.scope ?? '').split(/\s+/).filter(Boolean)];
  return [...new Set(names)];
}

function addFieldOptions(cmd: Command): Command {
  return cmd
    .option('--grant-types <list>', 'comma-separated: authorization_code,refresh_token,client_credentials,urn:ietf:params:oauth:grant-type:token-exchange')
    .option('--scopes <spec>', "an allowed scope, 'name' or 'name|upstream|description'; repeatable (none = any scope)", collect)
    .option('--scope <names>', 'allowed scopes, space-separated (product form)')
    .option('--redirect-uris <list>', 'comma-separated redirect URIs (none: a public client may use any loopback redirect)')
    .addOption(new Option('--application-type <type>', 'native (loopback or private-use redirects) or web (https redirects); default: inferred from the redirect URIs').choices(['native', 'web']));
}

export function clientCommand(): Command {
  const cmd = new Command('client').description('register and manage OAuth clients (agents)');

  addFieldOptions(withCommon(cmd.command('create').description('register a client')))
    .requiredOption('--name <name>', 'client name shown on the consent screen')
    .option('--client-id <id>', 'a fixed client_id (default: random)')
    .addOption(new Option('--auth-method <method>', 'token endpoint authentication').choices(['none', 'client_secret_basic', 'client_secret_post']).default('none'))
    .action(
      run<ClientFlags>(async ({ opts, out, json, dataDir }) => {
        const input = defined({
          client_name: opts.name,
          client_id: opts.clientId,
          grant_types: csv(opts.grantTypes),
          token_endpoint_auth_method: opts.authMethod,
          scope: scopeNames(opts),
          redirect_uris: csv(opts.redirectUris),
          application_type: opts.applicationType,
        });
        const created = await withAdminPort(await dataDir(), (p) => p.createClient(input));
        if (json) return printJson(out, created);
        const lines = [`client created: client_id=${created.client_id} name=${created.client_name}`, clientDetails(created)];
        if (created.client_secret) lines.push('', `client_secret  ${created.client_secret}`, 'store it now, it is not shown again');
        out.stdout(lines.join('\n'));
      }),
    );

  withCommon(cmd.command('list').description('list clients')).action(
    run(async ({ out, json, dataDir }) => {
      const rows = await withAdminPort(await dataDir(), (p) => p.listClients());
      if (json) return printJson(out, rows);
      out.stdout(clientTable(rows));
    }),
  );

  withCommon(cmd.command('show').alias('get').description('show one client').argument('<client_id>', 'client id (a URL for CIMD clients)')).action(
    run(async ({ out, json, dataDir }, id) => {
      const row = await withAdminPort(await dataDir(), (p) => p.getClient(id!));
      if (json) return printJson(out, row);
      out.stdout(clientDetails(row));
    }),
  );

  addFieldOptions(withCommon(cmd.command('update').description('change a client (only the given fields)').argument('<client_id>', 'client id')))
    .option('--name <name>', 'client name')
    .addOption(new Option('--status <status>', 'suspend or reactivate').choices(['active', 'suspended']))
    .action(
      run<ClientFlags>(async ({ opts, out, json, dataDir }, id) => {
        const patch = defined({
          client_name: opts.name,
          grant_types: csv(opts.grantTypes),
          scope: scopeNames(opts),
          redirect_uris: csv(opts.redirectUris),
          application_type: opts.applicationType,
          status: opts.status,
        });
        if (Object.keys(patch).length === 0) throw usageError('nothing to update: pass at least one of --name, --grant-types, --scopes, --scope, --redirect-uris, --application-type, --status');
        const row = await withAdminPort(await dataDir(), (p) => p.updateClient(id!, patch));
        if (json) return printJson(out, row);
        out.stdout(`client updated: client_id=${row.client_id}\n${clientDetails(row)}`);
      }),
    );

  withCommon(cmd.command('delete').description('delete a client').argument('<client_id>', 'client id')).action(
    run(async ({ out, json, dataDir }, id) => {
      await withAdminPort(await dataDir(), (p) => p.deleteClient(id!));
      if (json) return printJson(out, { deleted: true, client_id: id });
      out.stdout(`client deleted: client_id=${id}`);
    }),
  );

  withCommon(cmd.command('prune').description('delete self-registered (dynamic registration) clients that hold no live grant; frees room when registration hits its cap'))
    .option('--older-than <duration>', 'only clients registered longer ago than this (0, 30m, 1h, 7d)', '1h')
    .option('--dry-run', 'list what would be deleted, delete nothing')
    .action(
      run<PruneFlags>(async ({ opts, out, json, dataDir }) => {
        parseSeconds('--older-than', opts.olderThan);
        const result = await withAdminPort(await dataDir(), (p) => p.pruneClients({ older_than: opts.olderThan, dry_run: opts.dryRun === true }));
        if (json) return printJson(out, result);
        out.stdout(pruneSummary(result));
      }),
    );
  return cmd;
}
