/**
 * Where the data lives by default: the same directory Electron's `app.getPath('userData')`
 * returns for productName "AuthPlane", so the desktop app and the CLI share one data dir.
 *   Linux:   $XDG_CONFIG_HOME/AuthPlane, else ~/.config/AuthPlane
 *   macOS:   ~/Library/Application Support/AuthPlane
 *   Windows: %APPDATA%\AuthPlane
 * `AUTHPLANE_DATA_DIR` overrides all of them.
 */
import os from 'node:os';
import path from 'node:path';

export const PRODUCT_NAME = 'AuthPlane';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = os.homedir()): string {
  const p = platform === 'win32' ? path.win32 : path.posix;
  const override = env.AUTHPLANE_DATA_DIR?.trim();
  if (override) return p.resolve(override);
  if (platform === 'win32') return p.join(env.APPDATA || p.join(home, 'AppData', 'Roaming'), PRODUCT_NAME);
  if (platform === 'darwin') return p.join(home, 'Library', 'Application Support', PRODUCT_NAME);
  // Electron (via GLib) ignores a relative XDG_CONFIG_HOME, as the XDG spec says.
  const xdg = env.XDG_CONFIG_HOME;
  return p.join(xdg && p.isAbsolute(xdg) ? xdg : p.join(home, '.config'), PRODUCT_NAME);
}
