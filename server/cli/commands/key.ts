/** `authserver admin key …`: signing keys (public parts only) and rotation. */
import { Command, Option } from 'commander';
import type { KeyView, SigningAlg } from '../../contracts';
import { withAdminPort } from '../adminPort';
import { run, withCommon } from '../common';
import { printJson, table } from '../output';

export function keyCommand(): Command {
  const cmd = new Command('key').description('list and rotate signing keys');

  withCommon(cmd.command('list').description('list published signing keys')).action(
    run(async ({ out, json, dataDir }) => {
      const rows = await withAdminPort(await dataDir(), (p) => p.listKeys());
      if (json) return printJson(out, rows);
      out.stdout(
        table<KeyView>(
          rows,
          [
            ['kid', (k) => k.kid],
            ['alg', (k) => k.alg],
            ['status', (k) => k.status],
            ['created_at', (k) => k.created_at],
            ['retire_after', (k) => k.retire_after],
          ],
          'no keys found',
        ),
      );
    }),
  );

  withCommon(cmd.command('rotate').description('start signing with a new key; the old one stays in the JWKS until its tokens expire'))
    .addOption(new Option('--alg <alg>', 'algorithm (default: the server default)').choices(['ES256', 'RS256']))
    .action(
      run<{ alg?: SigningAlg }>(async ({ opts, out, json, dataDir }) => {
        const key = await withAdminPort(await dataDir(), (p) => p.rotateKey(opts.alg));
        if (json) return printJson(out, key);
        out.stdout(`key rotated: kid=${key.kid} alg=${key.alg}`);
      }),
    );
  return cmd;
}
