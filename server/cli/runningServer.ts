/** The live server of a data dir, for commands that only make sense while it runs (stop, ui-link). */
import { CliError } from './output';

export async function runningServer(dataDir: string): Promise<{ pid: number; url: string; token?: string }> {
  const [{ readRunningServer }, { readAdminToken }] = await Promise.all([import('../store/runtimeFile'), import('../store/secrets')]);
  const info = await readRunningServer(dataDir);
  if (!info) throw new CliError(`no AuthPlane server is running on the data dir ${dataDir} (start one with \`authserver serve --data-dir ${dataDir}\`)`);
  return { pid: info.pid, url: info.url.replace(/\/$/, ''), token: await readAdminToken(dataDir) };
}
