/** `authserver seed apply FILE` / `seed export` (also under `admin`): YAML seeds in and out. */
import { readFile, writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import type { SeedResult } from '../../seed/applySeed';
import { withAdminPort } from '../adminPort';
import { run, withCommon } from '../common';
import { CliError, printJson } from '../output';

export function seedSummary(r: SeedResult): string {
  const count = (n: string[], label: string) => `${n.length} ${label}${n.length ? ` (${n.join(', ')})` : ''}`;
  const part = (kind: 'resources' | 'clients' | 'users') => {
    const bits = [count(r.created[kind], 'created'), count(r.skipped[kind], 'already present')];
    if (r.updated[kind].length) bits.push(count(r.updated[kind], 'updated'));
    if (r.differing[kind].length) bits.push(count(r.differing[kind], 'differ from the seed (not changed)'));
    return `${kind}: ${bits.join(', ')}`;
  };
  const lines = ['seed applied', part('resources'), part('clients'), part('users')];
  if (r.fronting) lines.push(`fronting links: ${count(r.fronting.created, 'created')}, ${count(r.fronting.skipped, 'already present')}`);
  for (const c of r.clients) if (c.client_secret) lines.push(`client_secret for ${c.client_id}: ${c.client_secret} (store it now, it is not shown again)`);
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}

export function seedCommand(): Command {
  const cmd = new Command('seed').description('load resources, clients and users from a YAML seed');
  withCommon(cmd.command('apply').description('apply a YAML seed (rows that already exist are kept; a difference is reported, or applied with --update)').argument('<file>', 'seed file (.yaml)'))
    .option('--update', 'patch stored rows whose fields differ from the seed')
    .action(
      run<{ update?: boolean }>(async ({ opts, out, json, dataDir }, file) => {
        let text: string;
        try {
          text = await readFile(file!, 'utf8');
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          throw new CliError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
        }
        const result = await withAdminPort(await dataDir(), (p) => p.applySeed(text, file!, { update: !!opts.update }));
        if (json) return printJson(out, result);
        out.stdout(seedSummary(result));
      }),
    );
  withCommon(cmd.command('export').description('write the stored resources, clients and users as a seed file (no secrets)'))
    .option('--out <file>', 'write to this file instead of stdout')
    .action(
      run<{ out?: string }>(async ({ opts, out, dataDir }) => {
        const text = await withAdminPort(await dataDir(), (p) => p.exportSeed());
        if (!opts.out) return out.stdout(text);
        try {
          await writeFile(opts.out, text, { mode: 0o600 });
        } catch (err) {
          throw new CliError(`cannot write ${opts.out}: ${(err as Error).message}`);
        }
        out.stdout(`seed exported: ${opts.out}`);
      }),
    );
  return cmd;
}
