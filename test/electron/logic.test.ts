/** The Electron shell's pure decisions (Electron itself cannot run here). */
import { describe, expect, it } from 'vitest';
import type { AppEvent, PendingInteraction } from '../../server/contracts';
import { isServerInfo, IPC } from '../../electron/ipc/contract';
import {
  ArgsError,
  badgeText,
  DEFAULT_PORT,
  hasDisplay,
  navigationDecision,
  parseShellArgs,
  PendingTracker,
  portTakenMessage,
  promptNotification,
  secureWebPreferences,
  senderAllowed,
  trayTooltip,
} from '../../electron/logic';

const ISSUER = 'http://127.0.0.1:9000';

function prompt(uid: string, over: Partial<PendingInteraction> = {}): PendingInteraction {
  return {
    uid,
    created_at: '2026-11-26T10:00:00.000Z',
    expires_at: '2026-11-26T10:10:00.000Z',
    client: { client_id: 'my-agent', client_name: 'My Agent', registration_source: 'dcr' },
    resource: { slug: 'mcp-a', uri: 'http://127.0.0.1:3001/mcp', display_name: 'MCP A' },
    scopes: [{ name: 'read', description: 'Read' }, { name: 'write' }],
    redirect_uri: 'http://127.0.0.1:8765/callback',
    default_sub: 'dev-user',
    warnings: [],
    kept_scopes: {},
    waiting: [],
    ...over,
  };
}
const ev = <T extends AppEvent['type']>(type: T, data: Extract<AppEvent, { type: T }>['data']) => ({ type, at: '2026-11-26T10:00:00.000Z', data }) as AppEvent;

describe('parseShellArgs', () => {
  it('defaults to port 9000 and no data dir', () => {
    expect(parseShellArgs([], {})).toEqual({ port: DEFAULT_PORT, dataDir: undefined, devTools: false });
  });
  it('reads flags in both forms, ignoring Chromium switches', () => {
    expect(parseShellArgs(['--port', '9100', '--data-dir=/tmp/x', '--enable-logging', '--devtools'], {})).toEqual({ port: 9100, dataDir: '/tmp/x', devTools: true });
    expect(parseShellArgs(['--port=0'], {}).port).toBe(0);
  });
  it('takes the environment, flags win', () => {
    expect(parseShellArgs([], { AUTHPLANE_PORT: '9300', AUTHPLANE_DATA_DIR: '/d' })).toMatchObject({ port: 9300, dataDir: '/d' });
    expect(parseShellArgs(['--port', '9400'], { AUTHPLANE_PORT: '9300' }).port).toBe(9400);
  });
  it('rejects bad ports and a missing data dir with the flag named', () => {
    expect(() => parseShellArgs(['--port', 'abc'], {})).toThrow(ArgsError);
    expect(() => parseShellArgs(['--port', '70000'], {})).toThrow(/--port must be a port number/);
    expect(() => parseShellArgs(['--port'], {})).toThrow(/--port/);
    expect(() => parseShellArgs([], { AUTHPLANE_PORT: '-1' })).toThrow(/AUTHPLANE_PORT/);
    expect(() => parseShellArgs(['--data-dir'], {})).toThrow(/--data-dir needs a directory/);
  });
  it('explains a taken port with the way out', () => {
    expect(portTakenMessage(9000)).toMatch(/Port 9000 is already in use.*--port 9001.*AUTHPLANE_PORT/);
  });
});

describe('navigation and IPC', () => {
  it('keeps the UI in the window and sends web links to the browser', () => {
    expect(navigationDecision(`${ISSUER}/ui/`, ISSUER)).toBe('allow');
    expect(navigationDecision(`${ISSUER}/ui/#/issuances`, ISSUER)).toBe('allow');
    expect(navigationDecision(`${ISSUER}/ui`, ISSUER)).toBe('allow');
    expect(navigationDecision(`${ISSUER}/consent?interaction=x`, ISSUER)).toBe('external');
    expect(navigationDecision('https://modelcontextprotocol.io/', ISSUER)).toBe('external');
    expect(navigationDecision('http://localhost:9000/ui/', ISSUER)).toBe('external');
    expect(navigationDecision('mailto:dev@example.com', ISSUER)).toBe('external');
  });
  it('never hands dangerous schemes to the OS', () => {
    for (const u of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'cursor://x', 'not a url', 'https://user:pw@example.com/']) expect(navigationDecision(u, ISSUER)).toBe('deny');
  });
  it('gives the admin token only to our own page', () => {
    expect(senderAllowed(`${ISSUER}/ui/`, ISSUER)).toBe(true);
    expect(senderAllowed('https://evil.example/ui/', ISSUER)).toBe(false);
    expect(senderAllowed(`${ISSUER}/consent`, ISSUER)).toBe(false);
    expect(senderAllowed(undefined, ISSUER)).toBe(false);
  });
  it('checks what the main process returns', () => {
    expect(IPC.getServerInfo).toBe('authplane:get-server-info');
    expect(isServerInfo({ issuer: ISSUER, adminToken: 't' })).toBe(true);
    expect(isServerInfo({ issuer: 'file:///x', adminToken: 't' })).toBe(false);
    expect(isServerInfo({ issuer: ISSUER, adminToken: '' })).toBe(false);
    expect(isServerInfo(null)).toBe(false);
  });
  it('hardens the window: isolation, sandbox, no Node', () => {
    expect(secureWebPreferences('/p.cjs')).toMatchObject({ preload: '/p.cjs', contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false, allowRunningInsecureContent: false });
  });
});

describe('pending prompts: badge, tray and notification', () => {
  it('counts prompts from the event stream', () => {
    const t = new PendingTracker(['old']);
    expect(t.count).toBe(1);
    expect(t.apply(ev('consent.pending', { interaction: prompt('a') }))?.uid).toBe('a');
    expect(t.apply(ev('consent.pending', { interaction: prompt('a') }))).toBeUndefined(); // duplicate
    expect(t.apply(ev('consent.pending', { interaction: prompt('b') }))?.uid).toBe('b');
    expect(t.count).toBe(3);
    t.apply(ev('consent.decided', { uid: 'a', action: 'approve' }));
    t.apply(ev('consent.decided', { uid: 'old', action: 'expired' }));
    t.apply(ev('token.revoked', { jti: 'x', reason: 'admin' }));
    expect(t.count).toBe(1);
    t.reset([]);
    expect(t.count).toBe(0);
  });
  it('formats the badge and tooltip', () => {
    expect([badgeText(0), badgeText(1), badgeText(99), badgeText(100)]).toEqual(['', '1', '99', '99+']);
    expect(trayTooltip(0, ISSUER)).toBe(`AuthPlane: running on ${ISSUER}`);
    expect(trayTooltip(2, ISSUER)).toBe(`AuthPlane: 2 consent prompts waiting (${ISSUER})`);
    expect(trayTooltip(1, ISSUER)).toContain('1 consent prompt waiting');
  });
  it('says who wants what in the notification', () => {
    expect(promptNotification(prompt('a'))).toEqual({ title: 'My Agent wants access to MCP A', body: 'Scopes: read, write. Client my-agent (dynamic registration). Approve or deny in AuthPlane.' });
    expect(promptNotification(prompt('a', { scopes: [] })).body).toBe('Client my-agent (dynamic registration). Approve or deny in AuthPlane.');
  });
  it('knows when there is no display', () => {
    expect(hasDisplay('linux', {})).toBe(false);
    expect(hasDisplay('linux', { DISPLAY: ':0' })).toBe(true);
    expect(hasDisplay('linux', { WAYLAND_DISPLAY: 'wayland-0' })).toBe(true);
    expect(hasDisplay('darwin', {})).toBe(true);
    expect(hasDisplay('win32', {})).toBe(true);
  });
});
