/** The live server of a data dir, for commands that only make sense while it runs (stop, ui-link, faults, flows, settings). */
import { HttpAdminPort } from './httpAdminPort';
import { CliError } from './output';

export async function runningServer(dataDir: string): Promise<{ pid: number; url: string; token?: string }> {
  const [{ readRunningServer }, { readAdminToken }] = await Promise.all([import('../store/runtimeFile'), import('../store/secrets')]);
  const info = await readRunningServer(dataDir);
  if (!info) throw new CliError(`no AuthPlane server is running on the data dir ${dataDir} (start one with \`authserver serve --data-dir ${dataDir}\`)`);
  return { pid: info.pid, url: info.url.replace(/\/$/, ''), token: await readAdminToken(dataDir) };
}

/**
 * The admin API of the running server, for state that lives only in its memory (faults, flows, settings):
 * without a server there is nothing to read, and the message says so. `what` names that state.
 */
export async function liveServerPort(dataDir: string, what: string): Promise<HttpAdminPort> {
  let server: Awaited<ReturnType<typeof runningServer>>;
  try {
    server = await runningServer(dataDir);
  } catch (err) {
    throw err instanceof CliError ? new CliError(`${what} live in a running server's memory: ${err.message}`) : err;
  }
  if (!server.token) throw new CliError(`the data dir ${dataDir} has no admin token to reach the running server with`);
  return new HttpAdminPort(server.url, server.token);
}
