/**
 * The server the desktop app runs in-process: the same `startServer` as `authserver serve`,
 * with the UI mounted. No `electron` import: `npm start` also uses it where Electron cannot run.
 */
import { startServer, type RunningServer, type StartOptions } from '../server/app';
import { resolveDataDir } from '../server/cli/common';
import { createLogger } from '../server/log';
import { forgetIssuer, uiLoginUrl } from '../server/ui';

export interface DesktopServerOptions {
  port: number;
  dataDir?: string;
  host?: string;
  consent?: 'prompt' | 'auto';
  seedFile?: string;
  /** The built renderer (default: found next to the running code). */
  rendererDir?: string;
  log?: StartOptions['log'];
}

export interface DesktopServer {
  server: RunningServer;
  /** The UI for the Electron window (authenticated by the preload's admin token). */
  uiUrl: string;
  /** A one-time sign-in link for a browser. */
  loginUrl: () => string;
  close(): Promise<void>;
}

export async function startDesktopServer(o: DesktopServerOptions): Promise<DesktopServer> {
  const dataDir = o.dataDir ?? (await resolveDataDir());
  const server = await startServer({
    dataDir,
    port: o.port,
    host: o.host,
    consent: o.consent ?? 'prompt',
    seedFile: o.seedFile,
    log: o.log ?? createLogger({ level: 'warn' }),
    ui: { rendererDir: o.rendererDir },
  });
  return {
    server,
    uiUrl: `${server.issuer}/ui/`,
    loginUrl: () => uiLoginUrl(server.issuer),
    close: async () => {
      forgetIssuer(server.issuer);
      await server.close();
    },
  };
}
