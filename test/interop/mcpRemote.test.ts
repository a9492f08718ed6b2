/**
 * An independent client, mcp-remote (the stdio↔HTTP proxy many desktop MCP hosts use), against
 * AuthPlane in consent `prompt` mode and the example MCP server. mcp-remote prints the
 * authorization URL and "opens a browser" through `open`/xdg-open; BROWSER points at a stub
 * that only records the URL. The URL is opened in headless Chromium, where Approve is clicked
 * on AuthPlane's consent page; then MCP messages go through mcp-remote's stdio, and after real
 * expiry (both clocks moved two hours) the next call is carried on a refreshed token.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from '../helpers/oauthClient';
import { freePort } from './helpers';
import { approveInChromium, clientHome, issuances, PAST_ACCESS_TOKEN_EXPIRY, spawnClient, startNotesRig, stop, useChromium, watch, type NotesRig } from './clientHarness';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MCP_REMOTE = join(ROOT, 'node_modules/mcp-remote/dist/proxy.js');
const MCP_REMOTE_VERSION = (JSON.parse(await readFile(join(ROOT, 'node_modules/mcp-remote/package.json'), 'utf8')) as { version: string }).version;

const browser = useChromium();
let rig: NotesRig;
let child: ReturnType<typeof spawnClient> | undefined;

beforeAll(async () => {
  rig = await startNotesRig();
});
afterAll(async () => {
  await stop(child);
  await rig?.close();
});

describe(`mcp-remote ${MCP_REMOTE_VERSION}`, () => {
  it('registers itself, gets consent clicked in Chromium, and proxies MCP over stdio with the token', async () => {
    const { s, mcp } = rig;
    const { home, opened, env } = await clientHome('authplane-mcp-remote-');
    env.MCP_REMOTE_CONFIG_DIR = join(home, '.mcp-auth');
    const callbackPort = await freePort();
    child = spawnClient(process.execPath, [MCP_REMOTE, mcp.url, String(callbackPort)], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const w = watch(child);
    const onStderr = (re: RegExp, what: string) => w.until('stderr', re, what);

    // 1. mcp-remote discovers AuthPlane from the PRM, registers (DCR) and prints the authorization URL.
    const [, authUrl] = await onStderr(/Please authorize this client by visiting:\s*\n(\S+)/, 'the authorization URL');
    const url = new URL(authUrl!);
    expect(url.origin + url.pathname).toBe(`${s.issuer}/oauth/authorize`);
    expect(url.searchParams.get('resource')).toBe(mcp.resource);
    // SEP-2207: AuthPlane lists offline_access in scopes_supported, so the SDK inside asks for a refresh token (with prompt=consent).
    expect(url.searchParams.get('scope')).toBe('read write offline_access');
    expect(url.searchParams.get('prompt')).toBe('consent');
    expect(url.searchParams.get('redirect_uri')).toBe(`http://localhost:${callbackPort}/oauth/callback`);
    const clientId = url.searchParams.get('client_id')!;
    expect(s.services.clients.get(clientId)).toMatchObject({ registration_source: 'dcr', token_endpoint_auth_method: 'none' });

    // 2. The "browser" it launched was the stub: nothing real opened.
    await onStderr(/Browser opened automatically|Could not open browser/, 'the browser launch');
    // (xdg-open runs detached, so the stub's record may land a moment later.)
    let recorded = '';
    for (let i = 0; i < 50 && !recorded; i++) {
      recorded = (await readFile(opened, 'utf8').catch(() => '')).trim();
      if (!recorded) await new Promise((r) => setTimeout(r, 100));
    }
    // (mcp-remote sanitizes the URL first: "+" becomes "%20", same parameters.)
    expect(new URL(recorded).searchParams.toString()).toBe(url.searchParams.toString());

    // 3. A person approves on AuthPlane's consent page (headless Chromium).
    await approveInChromium(browser(), authUrl!, /localhost:\d+\/oauth\/callback/);
    await onStderr(/Proxy established successfully/, 'the proxy to come up');
    // One prompt, decided: nothing left pending in the desktop window.
    expect(await (await s.admin('/interactions')).json()).toEqual([]);

    // 4. MCP over mcp-remote's stdio, carried to the example server with AuthPlane's token.
    const lines = createInterface({ input: child.stdout });
    const responses = new Map<number, Record<string, unknown>>();
    const waiters = new Map<number, (m: Record<string, unknown>) => void>();
    lines.on('line', (line) => {
      let msg: { id?: number };
      try {
        msg = JSON.parse(line);
      } catch {
        return;
      }
      if (typeof msg.id === 'number') {
        responses.set(msg.id, msg as Record<string, unknown>);
        waiters.get(msg.id)?.(msg as Record<string, unknown>);
      }
    });
    const call = (id: number, method: string, params: unknown) =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no answer to ${method}; stderr:\n${w.text.stderr}`)), 30_000);
        waiters.set(id, (m) => {
          clearTimeout(timer);
          resolve(m);
        });
        child!.stdin!.write(JSON.stringify({ jsonrpc: '2.0', id, method, params }) + '\n');
      });
    const init = await call(1, 'initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'stdio-host', version: '1.0.0' } });
    expect(init.result).toMatchObject({ serverInfo: { name: 'authplane-example-notes' } });
    child.stdin!.write(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) + '\n');
    const tools = await call(2, 'tools/list', {});
    expect(((tools.result as { tools: Array<{ name: string }> }).tools).map((t) => t.name).sort()).toEqual(['read_note', 'whoami', 'write_note']);
    const who = await call(3, 'tools/call', { name: 'whoami', arguments: {} });
    const whoami = JSON.parse((who.result as { content: Array<{ text: string }> }).content[0]!.text);
    expect(whoami).toMatchObject({ subject: 'dev-user', client_id: clientId, scopes: ['read', 'write'], aud: mcp.resource });

    // The issuance log shows it, with the consent recorded for the DCR client.
    const page1 = await (await s.admin(`/issuances?client=${encodeURIComponent(clientId)}`)).json();
    expect(page1.issuances[0]).toMatchObject({ resource: 'mcp-a', sub: 'dev-user', scope: 'read write', grant: 'authorization_code' });
    const tokens = JSON.parse(await readFile(await findTokens(join(home, '.mcp-auth')), 'utf8')) as { access_token: string; refresh_token?: string };
    expect(decodeJwt(tokens.access_token).payload).toMatchObject({ aud: [mcp.resource], client_id: clientId });
    expect(tokens.refresh_token).toBeTruthy();

    // 5. Two hours later the access token is really expired: the next call gets a 401 and
    //    mcp-remote refreshes it, with no new authorization.
    rig.advance(PAST_ACCESS_TOKEN_EXPIRY);
    const again = await call(4, 'tools/call', { name: 'whoami', arguments: {} });
    const later = JSON.parse((again.result as { content: Array<{ text: string }> }).content[0]!.text);
    expect(later).toMatchObject({ subject: 'dev-user', client_id: clientId });
    expect(Date.parse(later.expires_at)).toBeGreaterThan(Date.parse(whoami.expires_at) + PAST_ACCESS_TOKEN_EXPIRY / 2);
    expect((await issuances(s, clientId)).map((i) => i.grant)).toEqual(['refresh_token', 'authorization_code']);
  }, 90_000);
});

/** mcp-remote keeps `<hash>_tokens.json` under its versioned config dir. */
async function findTokens(dir: string): Promise<string> {
  const { readdir } = await import('node:fs/promises');
  const walk = async (d: string): Promise<string | undefined> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        const f = await walk(p);
        if (f) return f;
      } else if (e.name.endsWith('_tokens.json')) return p;
    }
    return undefined;
  };
  const f = await walk(dir);
  if (!f) throw new Error(`no tokens file under ${dir}`);
  return f;
}
