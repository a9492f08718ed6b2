/**
 * The Electron main process, bundled exactly as scripts/build.mjs bundles it, run in Node against
 * a recording stand-in for the `electron` module (the real binary cannot run here). Checks the
 * wiring the unit tests cannot: the in-process server starts, the window is hardened and loads
 * the UI, the IPC handler hands credentials to our page only, and a consent prompt raises the
 * window, a notification and the badge.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { authorizationUrl, discover } from '../helpers/oauthClient';

const ROOT = resolve(__dirname, '../..');

type Handler = (...args: any[]) => any;
const rec = {
  handlers: new Map<string, Handler>(),
  appEvents: new Map<string, Handler[]>(),
  windows: [] as any[],
  notifications: [] as Array<{ title: string; body: string }>,
  badge: [] as number[],
  external: [] as string[],
  errors: [] as string[],
  quit: 0,
};

function fakeElectron(userData: string) {
  class BrowserWindow {
    options: any;
    url = '';
    shown = 0;
    focused = 0;
    title = '';
    listeners = new Map<string, Handler>();
    webContents: any;
    constructor(options: any) {
      this.options = options;
      const wc: any = { handlers: new Map<string, Handler>() };
      wc.setWindowOpenHandler = (h: Handler) => wc.handlers.set('open', h);
      wc.on = (ev: string, h: Handler) => wc.handlers.set(ev, h);
      wc.openDevTools = () => undefined;
      wc.session = { setPermissionRequestHandler: () => undefined, setPermissionCheckHandler: () => undefined };
      this.webContents = wc;
      rec.windows.push(this);
    }
    loadURL(u: string) {
      this.url = u;
      return Promise.resolve();
    }
    once(ev: string, h: Handler) {
      this.listeners.set(ev, h);
    }
    on(ev: string, h: Handler) {
      this.listeners.set(ev, h);
    }
    isDestroyed = () => false;
    isMinimized = () => false;
    isVisible = () => this.shown > 0;
    restore() {}
    show() {
      this.shown++;
    }
    focus() {
      this.focused++;
    }
    moveTop() {}
    hide() {}
    flashFrame() {}
    setTitle(t: string) {
      this.title = t;
    }
  }
  class Notification {
    static isSupported = () => true;
    constructor(private o: { title: string; body: string }) {}
    on() {}
    show() {
      rec.notifications.push({ title: this.o.title, body: this.o.body });
    }
  }
  class Tray {
    tooltip = '';
    on() {}
    setToolTip(t: string) {
      this.tooltip = t;
    }
    setTitle() {}
    setContextMenu() {}
  }
  let ready!: () => void;
  const whenReady = new Promise<void>((r) => (ready = r));
  const app = {
    isPackaged: false,
    isReady: () => true,
    requestSingleInstanceLock: () => true,
    setName() {},
    setAppUserModelId() {},
    getPath: (n: string) => (n === 'userData' ? userData : tmpdir()),
    on: (ev: string, h: Handler) => rec.appEvents.set(ev, [...(rec.appEvents.get(ev) ?? []), h]),
    whenReady: () => whenReady,
    setBadgeCount: (n: number) => rec.badge.push(n),
    dock: undefined,
    quit: () => {
      rec.quit++;
    },
    exit: (code: number) => rec.errors.push(`exit ${code}`),
    fire: ready,
  };
  return {
    app,
    BrowserWindow,
    Notification,
    Tray,
    ipcMain: { handle: (ch: string, h: Handler) => rec.handlers.set(ch, h) },
    Menu: { buildFromTemplate: (t: unknown) => t },
    nativeImage: { createFromPath: (p: string) => ({ path: p }) },
    shell: { openExternal: (u: string) => rec.external.push(u) },
    dialog: { showErrorBox: (t: string, m: string) => rec.errors.push(`${t}: ${m}`) },
  };
}

let work: string;
let electron: ReturnType<typeof fakeElectron>;
const originalLoad = (Module as any)._load;
let issuer = '';

beforeAll(async () => {
  await mkdir(join(ROOT, 'node_modules/.cache'), { recursive: true });
  work = await mkdtemp(join(ROOT, 'node_modules/.cache/authplane-main-smoke-'));
  // The options of scripts/build.mjs for the main process.
  await build({ bundle: true, platform: 'node', target: 'node20', packages: 'external', logLevel: 'warning', format: 'cjs', external: ['electron'], entryPoints: [join(ROOT, 'electron/main.ts')], outfile: join(work, 'dist/electron/main.cjs') });
  electron = fakeElectron(join(work, 'userData'));
  (Module as any)._load = function (request: string, ...rest: unknown[]) {
    return request === 'electron' ? electron : originalLoad.call(this, request, ...rest);
  };
  process.env.AUTHPLANE_PORT = '0';
  createRequire(import.meta.url)(join(work, 'dist/electron/main.cjs'));
  electron.app.fire();
  // start() runs after whenReady: wait for the window.
  for (let i = 0; i < 200 && rec.windows.length === 0 && rec.errors.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
  expect(rec.errors).toEqual([]);
  issuer = new URL(rec.windows[0].url).origin;
}, 60_000);

afterAll(async () => {
  // Quit: before-quit closes the server (and releases the data-dir lock).
  for (const h of rec.appEvents.get('before-quit') ?? []) h({ preventDefault() {} });
  for (let i = 0; i < 100 && rec.quit === 0; i++) await new Promise((r) => setTimeout(r, 25));
  (Module as any)._load = originalLoad;
  delete process.env.AUTHPLANE_PORT;
  await rm(work, { recursive: true, force: true });
});

describe('electron/main.ts (bundled, with a stand-in electron module)', () => {
  it('starts the server in-process and opens one hardened window on its UI', async () => {
    expect(rec.windows).toHaveLength(1);
    const w = rec.windows[0];
    expect(w.url).toBe(`${issuer}/ui/`);
    expect(w.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, preload: join(work, 'dist/electron/preload.cjs') });
    expect((await fetch(`${issuer}/health`)).status).toBe(200);
    expect(rec.appEvents.has('second-instance')).toBe(true);
  });

  it('hands the admin credentials to our page only', async () => {
    const h = rec.handlers.get('authplane:get-server-info')!;
    const info = await h({ senderFrame: { url: `${issuer}/ui/#/prompts` } });
    expect(info.issuer).toBe(issuer);
    expect((await fetch(`${issuer}/admin/api/status`, { headers: { authorization: `Bearer ${info.adminToken}` } })).status).toBe(200);
    expect(() => h({ senderFrame: { url: 'https://evil.example/ui/' } })).toThrow(/only given to the AuthPlane window/);
    expect(() => h({ senderFrame: null })).toThrow();
  });

  it('sends outside links to the system browser and keeps the window on the UI', () => {
    const wc = rec.windows[0].webContents;
    expect(wc.handlers.get('open')({ url: 'https://modelcontextprotocol.io/' })).toEqual({ action: 'deny' });
    expect(rec.external).toEqual(['https://modelcontextprotocol.io/']);
    let prevented = false;
    wc.handlers.get('will-navigate')({ preventDefault: () => (prevented = true) }, 'file:///etc/passwd');
    expect(prevented).toBe(true);
    expect(rec.external).toHaveLength(1);
  });

  it('a consent prompt brings the window forward, notifies and sets the badge', async () => {
    const info = await rec.handlers.get('authplane:get-server-info')!({ senderFrame: { url: `${issuer}/ui/` } });
    const admin = (path: string, init: RequestInit = {}) => fetch(`${issuer}/admin/api${path}`, { ...init, headers: { authorization: `Bearer ${info.adminToken}`, 'content-type': 'application/json' } });
    await admin('/resources', { method: 'POST', body: JSON.stringify({ slug: 'mcp-a', uri: 'http://127.0.0.1:3001/mcp', display_name: 'MCP A', scopes: [{ name: 'read' }] }) });
    await admin('/clients', { method: 'POST', body: JSON.stringify({ client_name: 'My Agent', client_id: 'my-agent', redirect_uris: ['http://127.0.0.1:8765/callback'] }) });
    const focusedBefore = rec.windows[0].focused;
    const as = await discover(issuer);
    const { url } = await authorizationUrl(as, { issuer, clientId: 'my-agent', scope: 'read', resource: 'http://127.0.0.1:3001/mcp' });
    await fetch(url, { redirect: 'manual' });
    expect(rec.notifications).toEqual([{ title: 'My Agent wants access to MCP A', body: 'Scopes: read. Client my-agent (registered by admin). Approve or deny in AuthPlane.' }]);
    expect(rec.badge.at(-1)).toBe(1);
    expect(rec.windows[0].focused).toBe(focusedBefore + 1);
    expect(rec.windows[0].title).toBe('AuthPlane (1 waiting)');
    const [pending] = (await (await admin('/interactions')).json()) as Array<{ uid: string }>;
    await admin(`/interactions/${pending!.uid}/decision`, { method: 'POST', body: JSON.stringify({ action: 'deny' }) });
    expect(rec.badge.at(-1)).toBe(0);
    expect(rec.windows[0].title).toBe('AuthPlane');
  });
});
