/**
 * `authserver admin settings get|set`: the running server's settings. A change lives in its memory
 * until it stops (the audit trail records it); `serve --refresh-grace` and the `--config` file are
 * the lasting way. Without a running server both commands fail with that hint.
 */
import { Command } from 'commander';
import type { SettingsView } from '../../contracts/settings';
import { graceFlag, run, withCommon } from '../common';
import { keyValues, printJson } from '../output';
import { liveServerPort } from '../runningServer';

const serverPort = (dataDir: string) => liveServerPort(dataDir, 'settings');

const grace = (s: number) => (s === 0 ? '0 s (strict rotation: any second use of a refresh token revokes its family, as the AuthPlane product)' : `${s} s (a rotated-out refresh token is accepted again that long: a deviation from the AuthPlane product)`);

function describe(v: SettingsView): string {
  const s = v.serve;
  return keyValues([
    ['refresh grace', grace(v.refresh_grace_s)],
    ['at start', `${v.startup.refresh_grace_s} s (a restart returns to it)`],
    ['issuer', s.issuer],
    ['data dir', s.data_dir],
    ['consent', `${s.consent_mode} (default user ${s.default_user})`],
    ['mode', s.strict ? 'strict' : 'lenient'],
    ['signing alg', s.signing_alg],
    ['access TTL', `${s.access_token_ttl_s} s`],
    ['refresh TTL', `${s.refresh_token_ttl_s} s`],
    ['code TTL', `${s.code_ttl_s} s`],
  ]);
}

export function settingsCommand(): Command {
  const cmd = new Command('settings').description("show or change the running server's settings (changes last until it stops)");

  withCommon(cmd.command('get').description('show the refresh grace in force and the serve settings fixed at start')).action(
    run(async ({ out, json, dataDir }) => {
      const view = await (await serverPort(await dataDir())).getSettings();
      if (json) return printJson(out, view);
      out.stdout(describe(view));
    }),
  );

  withCommon(cmd.command('set').description('change a setting of the running server until it stops'))
    .requiredOption('--refresh-grace <duration>', 'accept a rotated-out refresh token again for this long, 0 to 5m (0: strict rotation, as the product)', graceFlag)
    .action(
      run<{ refreshGrace: number }>(async ({ opts, out, json, dataDir }) => {
        const view = await (await serverPort(await dataDir())).updateSettings({ refresh_grace_s: opts.refreshGrace });
        if (json) return printJson(out, view);
        out.stdout(`refresh grace: ${grace(view.refresh_grace_s)}\nuntil the server stops (it started with ${view.startup.refresh_grace_s} s; for a lasting value use \`serve --refresh-grace\` or its --config file)`);
      }),
    );
  return cmd;
}
