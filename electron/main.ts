/**
 * AuthPlane desktop: starts the authorization server in-process (the same one as `authserver
 * serve`, port 9000 by default), opens one window on its UI, keeps a single instance, and shows
 * the number of pending consent prompts on the dock/taskbar badge and the tray. A new prompt
 * brings the window forward and raises a system notification.
 */
import path from 'node:path';
import { app, dialog, ipcMain, Menu, nativeImage, Notification, Tray, type BrowserWindow } from 'electron';
import { StartError } from '../server/app';
import { IPC, type ServerInfo } from './ipc/contract';
import { ArgsError, badgeText, parseShellArgs, PendingTracker, portTakenMessage, promptNotification, senderAllowed, trayTooltip } from './logic';
import { startDesktopServer, type DesktopServer } from './server';
import { bringForward, createMainWindow } from './window';

// dist/electron/main.cjs → the app root is two levels up (dist/renderer and resources/ beside).
const appRoot = path.join(__dirname, '..', '..');
const resource = (...p: string[]) => path.join(appRoot, 'resources', ...p);

let win: BrowserWindow | undefined;
let tray: Tray | undefined;
let desktop: DesktopServer | undefined;
let quitting = false;
const pending = new PendingTracker();

function updateBadge(): void {
  if (!desktop) return;
  const n = pending.count;
  app.setBadgeCount(n);
  if (process.platform === 'darwin') app.dock?.setBadge(badgeText(n));
  tray?.setToolTip(trayTooltip(n, desktop.server.issuer));
  if (process.platform === 'darwin') tray?.setTitle(badgeText(n));
  if (tray) tray.setContextMenu(trayMenu(n));
  win?.setTitle(n > 0 ? `AuthPlane (${n} waiting)` : 'AuthPlane');
}

function trayMenu(n: number): Menu {
  return Menu.buildFromTemplate([
    { label: n > 0 ? `${n} consent prompt${n === 1 ? '' : 's'} waiting` : 'No prompts waiting', enabled: false },
    { type: 'separator' },
    { label: 'Open AuthPlane', click: () => bringForward(win) },
    { type: 'separator' },
    { label: 'Quit AuthPlane', role: 'quit' },
  ]);
}

function fail(title: string, message: string): void {
  process.stderr.write(`AuthPlane: ${message}\n`);
  if (app.isReady()) dialog.showErrorBox(title, message);
  app.exit(1);
}

async function start(): Promise<void> {
  let args;
  try {
    args = parseShellArgs(process.argv.slice(app.isPackaged ? 1 : 2), process.env);
  } catch (e) {
    return fail('AuthPlane: invalid arguments', (e as ArgsError).message);
  }
  try {
    desktop = await startDesktopServer({ port: args.port, dataDir: args.dataDir ?? app.getPath('userData'), rendererDir: path.join(appRoot, 'dist', 'renderer') });
  } catch (e) {
    const err = e as Error;
    const msg = err instanceof StartError && /already in use/.test(err.message) ? portTakenMessage(args.port) : err.message;
    return fail('AuthPlane cannot start', msg);
  }
  const { issuer, adminToken } = desktop.server;

  ipcMain.handle(IPC.getServerInfo, (event): ServerInfo => {
    if (!senderAllowed(event.senderFrame?.url, issuer)) throw new Error('AuthPlane credentials are only given to the AuthPlane window');
    return { issuer, adminToken };
  });

  pending.reset(desktop.server.services.interactions.listPending().map((i) => i.uid));
  desktop.server.events.subscribe((e) => {
    const added = pending.apply(e);
    if (e.type !== 'consent.pending' && e.type !== 'consent.decided') return;
    updateBadge();
    if (added) {
      bringForward(win);
      win?.flashFrame(true);
      if (Notification.isSupported()) {
        const n = new Notification({ ...promptNotification(added), icon: resource('icon.png') });
        n.on('click', () => bringForward(win));
        n.show();
      }
    }
  });

  const icon = nativeImage.createFromPath(resource('icons', process.platform === 'darwin' ? '16x16.png' : '32x32.png'));
  tray = new Tray(icon);
  tray.on('click', () => bringForward(win));
  win = createMainWindow({ issuer, preload: path.join(__dirname, 'preload.cjs'), icon: resource('icon.png'), devTools: args.devTools, isQuitting: () => quitting });
  win.on('focus', () => win?.flashFrame(false));
  updateBadge();
  process.stdout.write(`AuthPlane ${issuer} (window open; UI in a browser: ${desktop.loginUrl()})\n`);
}

if (!app.requestSingleInstanceLock()) {
  // Another AuthPlane runs: it brings its window forward (second-instance) and we leave.
  app.quit();
} else {
  app.setName('AuthPlane');
  if (process.platform === 'win32') app.setAppUserModelId('dev.authplane.desktop');
  app.on('second-instance', () => bringForward(win));
  app.on('activate', () => bringForward(win));
  app.on('window-all-closed', () => {
    // The window only hides; nothing to do. (Quit comes from the tray, the menu or Cmd+Q.)
  });
  app.on('before-quit', (event) => {
    if (quitting || !desktop) {
      quitting = true;
      return;
    }
    quitting = true;
    event.preventDefault();
    desktop.close().finally(() => app.quit());
    desktop = undefined;
  });
  app.whenReady().then(start, (e: Error) => fail('AuthPlane cannot start', e.message));
}
