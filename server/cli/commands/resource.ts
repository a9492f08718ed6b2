/** `authserver admin resource …`: the MCP servers AuthPlane mints tokens for. */
import { Command, Option } from 'commander';
import type { Resource } from '../../contracts';
import { withAdminPort } from '../adminPort';
import { collect, csv, defined, parseScopeSpec, parseSeconds, run, withCommon } from '../common';
import { keyValues, printJson, table, usageError } from '../output';
import { runtimeClientCommand } from './resourcePolicy';

interface ResourceFlags {
  slug?: string;
  uri?: string;
  backendKind?: string;
  displayName?: string;
  scopes?: string[];
  scopesClear?: boolean;
  signingAlg?: string;
  default?: boolean;
  accessTokenTtl?: string;
  refreshTokenTtl?: string;
  codeTtl?: string;
  description?: string;
  policyAllowedClients?: string;
  policyRuntimeClientIds?: string;
  cascade?: boolean;
}

export function resourceDetails(r: Resource): string {
  return keyValues([
    ['slug', r.slug],
    ['uri', r.uri],
    ['display_name', r.display_name],
    ['backend_kind', r.backend_kind],
    ['scopes', r.scopes.map((s) => (s.description ? `${s.name} (${s.description})` : s.name)).join(', ')],
    ['signing_alg', r.signing_alg ?? 'server default'],
    ['is_default', r.is_default ? 'yes' : 'no'],
    ['access_token_ttl', r.access_token_ttl ?? 'server default'],
    ['refresh_token_ttl', r.refresh_token_ttl ?? 'server default'],
    ['exchange_clients', r.policy?.exchange?.allowed_client_ids.length ? r.policy.exchange.allowed_client_ids : 'any client with the token-exchange grant'],
    ['runtime_clients', r.policy?.runtime?.client_ids.length ? r.policy.runtime.client_ids : "none (only a token's own client introspects it)"],
    ['id', r.id],
    ['created_at', r.created_at],
    ['updated_at', r.updated_at],
  ]);
}

export function resourceTable(rows: Resource[]): string {
  return table(
    rows,
    [
      ['slug', (r) => r.slug],
      ['uri', (r) => r.uri],
      ['display_name', (r) => r.display_name],
      ['scopes', (r) => r.scopes.map((s) => s.name).join(' ')],
      ['default', (r) => (r.is_default ? 'yes' : '')],
    ],
    'no resources found',
  );
}

function addFieldOptions(cmd: Command, creating: boolean): Command {
  cmd
    .option('--uri <url>', 'the resource URI: the JWT `aud`, byte for byte what the MCP server publishes in its PRM')
    .option('--display-name <name>', 'name shown on the consent screen')
    .option('--scopes <spec>', "a scope as 'name|upstream|description' (Mint: 'read||Read access'); repeat for each scope" + (creating ? '' : '; replaces the whole list'), collect)
    .addOption(new Option('--signing-alg <alg>', 'signing algorithm for this resource').choices(['ES256', 'RS256']))
    .option('--default', 'use for authorization requests that name no resource')
    .option('--access-token-ttl <duration>', 'access-token lifetime (e.g. 900, 15m)')
    .option('--refresh-token-ttl <duration>', 'refresh-token lifetime (e.g. 7d)')
    .option('--code-ttl <duration>', 'authorization-code lifetime (60s to 10m)')
    .option('--policy-allowed-clients <ids>', 'clients that may exchange tokens for this resource (RFC 8693), comma separated; empty = any client with the grant')
    .option('--policy-runtime-client-ids <ids>', "clients that may act as this resource (introspect its tokens), comma separated; empty = none but a token's own client");
  if (creating) {
    cmd.addOption(new Option('--backend-kind <kind>', 'backend kind (only mint is supported locally)').default('mint'));
    cmd.option('--description <text>', 'accepted for compatibility with the product; ignored');
  } else {
    cmd.option('--scopes-clear', 'remove every scope');
    cmd.option('--no-default', 'stop being the default resource');
  }
  return cmd;
}

function fields(o: ResourceFlags) {
  if (o.scopes && o.scopesClear) throw usageError('--scopes and --scopes-clear cannot be combined');
  return defined({
    uri: o.uri,
    display_name: o.displayName,
    scopes: o.scopesClear ? [] : o.scopes?.map(parseScopeSpec),
    signing_alg: o.signingAlg,
    is_default: o.default,
    access_token_ttl: parseSeconds('--access-token-ttl', o.accessTokenTtl),
    refresh_token_ttl: parseSeconds('--refresh-token-ttl', o.refreshTokenTtl),
    code_ttl: parseSeconds('--code-ttl', o.codeTtl),
    policy: policyFlags(o),
  });
}

/** As the product: the policy flags given replace the whole policy (the sub-lists change one client). */
function policyFlags(o: ResourceFlags) {
  if (o.policyAllowedClients === undefined && o.policyRuntimeClientIds === undefined) return undefined;
  return defined({
    exchange: o.policyAllowedClients === undefined ? undefined : { allowed_client_ids: csv(o.policyAllowedClients) },
    runtime: o.policyRuntimeClientIds === undefined ? undefined : { client_ids: csv(o.policyRuntimeClientIds) },
  });
}

export function resourceCommand(): Command {
  const cmd = new Command('resource').description('register and manage resources (MCP servers)');

  addFieldOptions(withCommon(cmd.command('create').description('register a resource')), true)
    .requiredOption('--slug <slug>', 'short name, ^[a-z0-9][a-z0-9-]{0,63}$ (used as `resource=` too)')
    .action(
      run<ResourceFlags>(async ({ opts, out, json, dataDir }) => {
        if (!opts.uri) throw usageError("required option '--uri <url>' not specified");
        if (opts.description !== undefined && !json) out.stderr('note: --description is ignored (kept for compatibility with the product CLI)');
        const input = { slug: opts.slug, backend_kind: opts.backendKind, ...fields(opts) };
        const row = await withAdminPort(await dataDir(), (p) => p.createResource(input));
        if (json) return printJson(out, row);
        out.stdout(`resource created: slug=${row.slug} uri=${row.uri}\n${resourceDetails(row)}`);
      }),
    );

  withCommon(cmd.command('list').description('list resources')).action(
    run(async ({ out, json, dataDir }) => {
      const rows = await withAdminPort(await dataDir(), (p) => p.listResources());
      if (json) return printJson(out, rows);
      out.stdout(resourceTable(rows));
    }),
  );

  withCommon(cmd.command('show').alias('get').description('show one resource').argument('<slug>', 'resource slug (or URI)')).action(
    run(async ({ out, json, dataDir }, slug) => {
      const row = await withAdminPort(await dataDir(), (p) => p.getResource(slug!));
      if (json) return printJson(out, row);
      out.stdout(resourceDetails(row));
    }),
  );

  addFieldOptions(withCommon(cmd.command('update').description('change a resource (only the given fields)').argument('<slug>', 'resource slug')), false).action(
    run<ResourceFlags>(async ({ opts, out, json, dataDir }, slug) => {
      const patch = fields(opts);
      if (Object.keys(patch).length === 0) throw usageError('nothing to update: pass at least one of --uri, --display-name, --scopes, --scopes-clear, --signing-alg, --default, --access-token-ttl, ...');
      const row = await withAdminPort(await dataDir(), (p) => p.updateResource(slug!, patch));
      if (json) return printJson(out, row);
      out.stdout(`resource updated: slug=${row.slug}\n${resourceDetails(row)}`);
    }),
  );

  withCommon(cmd.command('delete').description('delete a resource').argument('<slug>', 'resource slug'))
    .option('--cascade', 'also delete the fronting links that name it')
    .action(
      run<ResourceFlags>(async ({ opts, out, json, dataDir }, slug) => {
        await withAdminPort(await dataDir(), (p) => p.deleteResource(slug!, { cascade: opts.cascade }));
        if (json) return printJson(out, { deleted: true, slug });
        out.stdout(`resource deleted: slug=${slug}`);
      }),
    );
  cmd.addCommand(runtimeClientCommand());
  return cmd;
}
