/**
 * `authserver stop`: stops the server of one data dir (the pid in its server.json), and only
 * that one; other AuthPlane servers on the machine keep running. Waits until it has exited.
 */
import { Command } from 'commander';
import { run, withCommon } from '../common';
import { CliError, printJson } from '../output';
import { runningServer } from '../runningServer';

export function stopCommand(): Command {
  return withCommon(new Command('stop').description('stop the AuthPlane server running on the data dir (other servers keep running)')).action(
    run(async ({ out, json, dataDir }) => {
      const dir = await dataDir();
      const { pid, url } = await runningServer(dir);
      const { isPidAlive } = await import('../../store/fsio');
      process.kill(pid, 'SIGTERM');
      // The server flushes its store and releases the data dir before exiting.
      const deadline = Date.now() + 30_000;
      while (isPidAlive(pid)) {
        if (Date.now() > deadline) throw new CliError(`the server (pid ${pid}) did not exit within 30 s of SIGTERM`);
        await new Promise((r) => setTimeout(r, 50));
      }
      if (json) printJson(out, { stopped: { pid, url, data_dir: dir } });
      else out.stdout(`stopped the AuthPlane server on ${url} (pid ${pid}, data dir ${dir})`);
    }),
  );
}
