/** The one window: hardened web preferences, links to the system browser, hide on close. */
import { BrowserWindow, shell, type WebContents } from 'electron';
import { navigationDecision, secureWebPreferences } from './logic';

export interface WindowOptions {
  issuer: string;
  preload: string;
  icon?: string;
  devTools?: boolean;
  /** Close hides the window (the app keeps running in the tray) unless quitting. */
  isQuitting: () => boolean;
}

function guard(contents: WebContents, issuer: string): void {
  contents.setWindowOpenHandler(({ url }) => {
    if (navigationDecision(url, issuer) !== 'deny') void shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    const d = navigationDecision(url, issuer);
    if (d === 'allow') return;
    event.preventDefault();
    if (d === 'external') void shell.openExternal(url);
  });
  contents.on('will-redirect', (event, url) => {
    if (navigationDecision(url, issuer) !== 'allow') event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  // The page asks for nothing (no camera, notifications, …): refuse every permission.
  contents.session.setPermissionRequestHandler((_wc, _perm, callback) => callback(false));
  contents.session.setPermissionCheckHandler(() => false);
}

export function createMainWindow(o: WindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    // The renderer is laid out (and tested in Chromium) from 800×600 up.
    minWidth: 800,
    minHeight: 520,
    title: 'AuthPlane',
    icon: o.icon,
    show: false,
    backgroundColor: '#0e0f12',
    autoHideMenuBar: true,
    webPreferences: secureWebPreferences(o.preload),
  });
  guard(win.webContents, o.issuer);
  win.once('ready-to-show', () => win.show());
  win.on('close', (e) => {
    if (!o.isQuitting()) {
      e.preventDefault();
      win.hide();
    }
  });
  if (o.devTools) win.webContents.openDevTools({ mode: 'detach' });
  void win.loadURL(`${o.issuer}/ui/`);
  return win;
}

/** Brings the window to the front (new consent prompt, second launch, tray click). */
export function bringForward(win: BrowserWindow | undefined): void {
  if (!win || win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  if (!win.isVisible()) win.show();
  win.focus();
  win.moveTop();
}
