/** `authserver seed apply FILE` (also under `admin`): apply a YAML seed, idempotently. */
import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import type { SeedResult } from '../../seed/applySeed';
import { withAdminPort } from '../adminPort';
import { run, withCommon } from '../common';
import { CliError, printJson } from '../output';

export function seedSummary(r: SeedResult): string {
  const part = (label: string, created: string[], skipped: string[]) =>
    `${label}: ${created.length} created${created.length ? ` (${created.join(', ')})` : ''}, ${skipped.length} already present${skipped.length ? ` (${skipped.join(', ')})` : ''}`;
  const lines = [
    'seed applied',
    part('resources', r.created.resources, r.skipped.resources),
    part('clients', r.created.clients, r.skipped.clients),
    part('users', r.created.users, r.skipped.users),
  ];
  for (const c of r.clients) if (c.client_secret) lines.push(`client_secret for ${c.client_id}: ${c.client_secret} (store it now, it is not shown again)`);
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}

export function seedCommand(): Command {
  const cmd = new Command('seed').description('load resources, clients and users from a YAML seed');
  withCommon(cmd.command('apply').description('apply a YAML seed (rows that already exist are skipped)').argument('<file>', 'seed file (.yaml)')).action(
    run(async ({ out, json, dataDir }, file) => {
      let text: string;
      try {
        text = await readFile(file!, 'utf8');
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new CliError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
      }
      const result = await withAdminPort(await dataDir(), (p) => p.applySeed(text, file!));
      if (json) return printJson(out, result);
      out.stdout(seedSummary(result));
    }),
  );
  return cmd;
}
