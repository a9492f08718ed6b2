/**
 * The one IPC surface between the Electron shell and the page. The preload exposes exactly
 * `window.authplane` (this interface) through contextBridge; the page has no Node and no other
 * channel. No `electron` import here: the renderer imports these types too.
 */

/** What the page needs to call the admin API: handed over IPC, never put in a URL. */
export interface ServerInfo {
  issuer: string;
  adminToken: string;
}

export interface AuthplaneBridge {
  /** Resolves to the running server's issuer and admin token. */
  getServerInfo(): Promise<ServerInfo>;
}

/** IPC channel names (ipcMain.handle / ipcRenderer.invoke). */
export const IPC = {
  getServerInfo: 'authplane:get-server-info',
} as const;
export type IpcChannel = (typeof IPC)[keyof typeof IPC];

/** The global the preload defines, as the page sees it. */
export const BRIDGE_KEY = 'authplane';

/** Runtime check of the main process's answer (the page trusts nothing it did not check). */
export function isServerInfo(v: unknown): v is ServerInfo {
  if (!v || typeof v !== 'object') return false;
  const o = v as Record<string, unknown>;
  return typeof o.issuer === 'string' && /^https?:\/\//.test(o.issuer) && typeof o.adminToken === 'string' && o.adminToken.length > 0;
}
