/**
 * `npm start` where Electron cannot run (no binary, no display): the same server and UI, for a
 * browser. Prints the issuer, then the sign-in link on a line starting with `UI: `.
 */
import { StartError } from '../server/app';
import { ArgsError, parseShellArgs, portTakenMessage } from './logic';
import { startDesktopServer } from './server';

export async function runHeadless(argv: readonly string[], env: Record<string, string | undefined>): Promise<number> {
  let args;
  try {
    args = parseShellArgs(argv, env);
  } catch (e) {
    process.stderr.write(`npm start: ${(e as ArgsError).message}\n`);
    return 2;
  }
  let desktop;
  try {
    desktop = await startDesktopServer({ port: args.port, dataDir: args.dataDir });
  } catch (e) {
    const err = e as Error;
    process.stderr.write(`npm start: ${err instanceof StartError && /already in use/.test(err.message) ? portTakenMessage(args.port) : err.message}\n`);
    return 1;
  }
  const { issuer, config } = desktop.server;
  process.stdout.write(`AuthPlane is running on ${issuer} (data dir ${config.dataDir}). Open the UI in your browser:\nUI: ${desktop.loginUrl()}\nPress Ctrl+C to stop.\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      desktop.close().finally(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
}
