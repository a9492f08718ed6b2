/**
 * The preload (sandboxed, contextIsolation on): exposes exactly `window.authplane` with one
 * function. The admin token travels over IPC, never in a URL; the page gets no Node and no
 * raw ipcRenderer.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_KEY, IPC, type AuthplaneBridge, type ServerInfo } from './ipc/contract';

const bridge: AuthplaneBridge = {
  getServerInfo: () => ipcRenderer.invoke(IPC.getServerInfo) as Promise<ServerInfo>,
};

contextBridge.exposeInMainWorld(BRIDGE_KEY, bridge);
