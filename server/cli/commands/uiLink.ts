/**
 * `authserver ui-link`: a fresh one-time sign-in link for the running server of a data dir (a
 * used or lost link is not a dead end). Asks the server with the admin token from the data dir.
 */
import { Command } from 'commander';
import { run, withCommon } from '../common';
import { openBrowser } from '../openBrowser';
import { CliError, printJson } from '../output';
import { runningServer } from '../runningServer';

export function uiLinkCommand(): Command {
  return withCommon(new Command('ui-link').description('print a fresh sign-in link for the admin UI of the running server'))
    .option('--open', 'open the link in the browser')
    .action(
      run<{ open?: boolean }>(async ({ out, json, dataDir, opts }) => {
        const dir = await dataDir();
        const { url, token } = await runningServer(dir);
        if (!token) throw new CliError(`no admin token in ${dir}; restart the server (\`authserver serve --data-dir ${dir}\`) to create one`);
        const res = await fetch(`${url}/ui/api/login-link`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
        if (!res.ok) throw new CliError(`the server at ${url} refused a sign-in link (HTTP ${res.status}); is it the server of ${dir}?`);
        const link = ((await res.json()) as { url: string }).url;
        if (json) printJson(out, { url: link });
        else out.stdout(`UI: ${link}`);
        if (opts.open) openBrowser(link);
      }),
    );
}
