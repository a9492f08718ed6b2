/** `authserver admin status`: is a server running on the data dir, and what does it hold. */
import { Command } from 'commander';
import { withAdminPort } from '../adminPort';
import { run, withCommon } from '../common';
import { keyValues, printJson } from '../output';

export function statusCommand(): Command {
  return withCommon(new Command('status').description('show the server (if running) and data-dir counts')).action(
    run(async ({ out, json, dataDir }) => {
      const s = await withAdminPort(await dataDir(), (p) => p.status());
      if (json) return printJson(out, s);
      const head: Array<[string, unknown]> = s.running
        ? [
            ['server', `running (pid ${s.pid})`],
            ['issuer', s.issuer],
            ['consent', s.consent_mode],
          ]
        : [['server', 'not running']];
      out.stdout(keyValues([...head, ['version', s.version], ['data_dir', s.data_dir], ...Object.entries(s.counts)]));
    }),
  );
}
