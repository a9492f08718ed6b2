/**
 * The shell's decisions as small pure functions (no `electron` import), so they are unit-tested
 * on machines where Electron cannot run: arguments, which URLs stay in the window, what the
 * badge, tray and notifications say, and who may ask for the admin credentials.
 */
import type { AppEvent, PendingInteraction } from '../server/contracts';

export const DEFAULT_PORT = 9000;

export interface ShellArgs {
  port: number;
  dataDir?: string;
  /** Open DevTools (development only). */
  devTools: boolean;
}

export class ArgsError extends Error {}

function parsePort(v: string | undefined, from: string): number {
  if (v === undefined || !/^\d+$/.test(v) || Number(v) > 65535) throw new ArgsError(`${from} must be a port number from 0 to 65535 (got ${JSON.stringify(v ?? '')})`);
  return Number(v);
}

/** `--port N`, `--port=N`, `--data-dir D`, `--devtools`; env AUTHPLANE_PORT / AUTHPLANE_DATA_DIR. Unknown flags (Chromium's) are ignored. */
export function parseShellArgs(argv: readonly string[], env: Record<string, string | undefined> = {}): ShellArgs {
  const out: ShellArgs = { port: env.AUTHPLANE_PORT ? parsePort(env.AUTHPLANE_PORT, 'AUTHPLANE_PORT') : DEFAULT_PORT, dataDir: env.AUTHPLANE_DATA_DIR || undefined, devTools: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => inline ?? argv[++i];
    if (flag === '--port') out.port = parsePort(value(), '--port');
    else if (flag === '--data-dir') {
      const v = value();
      if (!v) throw new ArgsError('--data-dir needs a directory');
      out.dataDir = v;
    } else if (flag === '--devtools') out.devTools = true;
  }
  return out;
}

/** The message when the port is taken (the issue asks for a clear one). */
export function portTakenMessage(port: number): string {
  return `Port ${port} is already in use. Another AuthPlane (or another program) is listening there. Quit it, or start AuthPlane on another port: npm start -- --port ${port + 1} (or set AUTHPLANE_PORT).`;
}

export type Navigation = 'allow' | 'external' | 'deny';

/** In-window navigation stays on the UI of our own server; web links go to the system browser. */
export function navigationDecision(url: string, issuer: string): Navigation {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'deny';
  }
  const own = new URL(issuer);
  if (u.origin === own.origin && (u.pathname === '/ui' || u.pathname.startsWith('/ui/'))) return 'allow';
  return isExternalOpenable(u) ? 'external' : 'deny';
}

/** Only web and mail links are handed to the OS (never file:, javascript:, custom schemes). */
export function isExternalOpenable(u: URL): boolean {
  return (u.protocol === 'https:' || u.protocol === 'http:' || u.protocol === 'mailto:') && !u.username && !u.password;
}

/** IPC answers only our own page (the main frame of the UI), never another origin. */
export function senderAllowed(frameUrl: string | undefined, issuer: string): boolean {
  return !!frameUrl && navigationDecision(frameUrl, issuer) === 'allow';
}

/** Dock/taskbar badge text: '' when nothing waits, '99+' above 99. */
export function badgeText(count: number): string {
  if (count <= 0) return '';
  return count > 99 ? '99+' : String(count);
}

export function trayTooltip(count: number, issuer: string): string {
  return count > 0 ? `AuthPlane: ${count} consent prompt${count === 1 ? '' : 's'} waiting (${issuer})` : `AuthPlane: running on ${issuer}`;
}

const SOURCE: Record<PendingInteraction['client']['registration_source'], string> = { admin: 'registered by admin', dcr: 'dynamic registration', cimd: 'metadata document' };

/** What the system notification says for a new prompt. */
export function promptNotification(i: PendingInteraction): { title: string; body: string } {
  const scopes = i.scopes.map((s) => s.name).join(', ');
  return {
    title: `${i.client.client_name} wants access to ${i.resource.display_name}`,
    body: `${scopes ? `Scopes: ${scopes}. ` : ''}Client ${i.client.client_id} (${SOURCE[i.client.registration_source]}). Approve or deny in AuthPlane.`,
  };
}

/** The set of pending prompts, fed by the event stream. */
export class PendingTracker {
  private uids = new Set<string>();
  constructor(initial: readonly string[] = []) {
    for (const u of initial) this.uids.add(u);
  }
  /** Returns the new prompt when the event adds one. */
  apply(e: AppEvent): PendingInteraction | undefined {
    if (e.type === 'consent.pending') {
      if (this.uids.has(e.data.interaction.uid)) return undefined;
      this.uids.add(e.data.interaction.uid);
      return e.data.interaction;
    }
    if (e.type === 'consent.decided') this.uids.delete(e.data.uid);
    return undefined;
  }
  /** Resync with the server's list (prompts also expire silently). */
  reset(uids: readonly string[]): void {
    this.uids = new Set(uids);
  }
  get count(): number {
    return this.uids.size;
  }
}

/** Where Electron can show a window: Linux needs an X11 or Wayland display. */
export function hasDisplay(platform: NodeJS.Platform, env: Record<string, string | undefined>): boolean {
  if (platform !== 'linux' && platform !== 'freebsd' && platform !== 'openbsd') return true;
  return !!(env.DISPLAY || env.WAYLAND_DISPLAY);
}

/** The window's hardened web preferences (asserted by tests; used by window.ts). */
export function secureWebPreferences(preload: string) {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    devTools: true,
  } as const;
}
