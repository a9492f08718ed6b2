/** `authserver admin fronting …`: fronting links (gateway resource → hidden resource, with a scope map). */
import { Command } from 'commander';
import { formatScopeMap, parseScopeMapSpec, type FrontingLink } from '../../contracts/fronting';
import { withAdminPort } from '../adminPort';
import { run, withCommon } from '../common';
import { keyValues, printJson, table, usageError } from '../output';

interface FrontingFlags {
  source?: string;
  target?: string;
  scopeMap?: string;
  dryRun?: boolean;
}

export function frontingDetails(l: FrontingLink): string {
  return keyValues([
    ['source', l.source],
    ['target', l.target],
    ['scope_map', formatScopeMap(l.scope_map)],
    ['created_at', l.created_at],
    ...(l.updated_at ? [['updated_at', l.updated_at] as [string, unknown]] : []),
  ]);
}

export function frontingTable(rows: FrontingLink[]): string {
  return table(
    rows,
    [
      ['source', (l) => l.source],
      ['target', (l) => l.target],
      ['scope_map', (l) => formatScopeMap(l.scope_map)],
      ['created_at', (l) => l.created_at],
    ],
    'no fronting links found',
  );
}

function scopeMapFlag(spec: string): ReturnType<typeof parseScopeMapSpec> {
  try {
    return parseScopeMapSpec(spec);
  } catch (err) {
    throw usageError((err as Error).message);
  }
}

const endpoints = (cmd: Command): Command =>
  cmd.requiredOption('--source <slug>', 'the gateway resource (its tokens are exchanged)').requiredOption('--target <slug>', 'the hidden resource (the exchanged token is bound to it)');

export function frontingCommand(): Command {
  const cmd = new Command('fronting').description('fronting links: a gateway resource may exchange user tokens for a hidden resource (RFC 8693)');

  endpoints(withCommon(cmd.command('create').description('declare that a gateway resource fronts a hidden resource')))
    .requiredOption('--scope-map <map>', "source:target scope pairs, comma separated; + fans out (e.g. 'A:AA,B:BB' or 'read:repo+org')")
    .option('--dry-run', 'validate and print the link without storing it')
    .action(
      run<FrontingFlags>(async ({ opts, out, json, dataDir }) => {
        const input = { source: opts.source, target: opts.target, scope_map: scopeMapFlag(opts.scopeMap!) };
        const row = await withAdminPort(await dataDir(), (p) => p.createFronting(input, { dryRun: opts.dryRun }));
        if (json) return printJson(out, opts.dryRun ? { dry_run: true, link: row } : row);
        out.stdout(`${opts.dryRun ? 'fronting link valid (dry run, not stored)' : 'fronting link created'}: source=${row.source} target=${row.target}\n${frontingDetails(row)}`);
      }),
    );

  endpoints(withCommon(cmd.command('update').description("replace a fronting link's scope map")))
    .requiredOption('--scope-map <map>', "the new source:target scope pairs (replace the old map), comma separated; + fans out")
    .option('--dry-run', 'validate and print the changed link without storing it')
    .action(
      run<FrontingFlags>(async ({ opts, out, json, dataDir }) => {
        const patch = { scope_map: scopeMapFlag(opts.scopeMap!) };
        const row = await withAdminPort(await dataDir(), (p) => p.updateFronting(opts.source!, opts.target!, patch, { dryRun: opts.dryRun }));
        if (json) return printJson(out, opts.dryRun ? { dry_run: true, link: row } : row);
        out.stdout(`${opts.dryRun ? 'fronting link update valid (dry run, not stored)' : 'fronting link updated'}: source=${row.source} target=${row.target}\n${frontingDetails(row)}`);
      }),
    );

  withCommon(cmd.command('list').description('list fronting links')).action(
    run(async ({ out, json, dataDir }) => {
      const rows = await withAdminPort(await dataDir(), (p) => p.listFronting());
      if (json) return printJson(out, rows);
      out.stdout(frontingTable(rows));
    }),
  );

  endpoints(withCommon(cmd.command('show').alias('get').description('show one fronting link'))).action(
    run<FrontingFlags>(async ({ opts, out, json, dataDir }) => {
      const row = await withAdminPort(await dataDir(), (p) => p.getFronting(opts.source!, opts.target!));
      if (json) return printJson(out, row);
      out.stdout(frontingDetails(row));
    }),
  );

  endpoints(withCommon(cmd.command('delete').description('delete a fronting link'))).action(
    run<FrontingFlags>(async ({ opts, out, json, dataDir }) => {
      await withAdminPort(await dataDir(), (p) => p.deleteFronting(opts.source!, opts.target!));
      if (json) return printJson(out, { deleted: true, source: opts.source, target: opts.target });
      out.stdout(`fronting link deleted: source=${opts.source} target=${opts.target}`);
    }),
  );
  return cmd;
}
