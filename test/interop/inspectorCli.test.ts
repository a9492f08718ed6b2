/**
 * MCP Inspector 2.12 in `--cli` mode (installed from the registry into .cache, run on a Node
 * ≥ 22.19) against AuthPlane in consent `prompt` mode and the example MCP server. The CLI prints
 * the authorization URL; Approve is clicked in Chromium; its callback listener gets the code.
 * Tokens go to its file secret store, so a second run proves refresh after real expiry.
 */
import { describe, expect, it } from 'vitest';
import { freePort } from './helpers';
import { approveInChromium, clientHome, inspector, issuances, PAST_ACCESS_TOKEN_EXPIRY, spawnClient, startNotesRig, stop, useChromium, useCleanups, watch, type NotesRig } from './clientHarness';

const INSPECTOR = inspector('2.12.0');

const browser = useChromium();
const cleanup = useCleanups();

/** One `inspector --cli` run; resolves with its JSON result once it exits. */
function runCli(env: NodeJS.ProcessEnv, args: string[]) {
  const child = spawnClient(INSPECTOR.node, [INSPECTOR.entry, '--cli', ...args, '--format', 'json'], { env: { ...env, PATH: INSPECTOR.path }, stdio: ['ignore', 'pipe', 'pipe'] });
  cleanup(() => stop(child));
  const w = watch(child);
  const result = w.exit.then((code) => {
    if (code !== 0) throw new Error(`inspector --cli exited ${code}\nstdout:\n${w.text.stdout}\nstderr:\n${w.text.stderr}`);
    return JSON.parse(w.text.stdout) as { result: { tools?: Array<{ name: string }>; content?: Array<{ text: string }> } };
  });
  // A test that fails earlier leaves this to reject when cleanup stops the process: not unhandled.
  result.catch(() => undefined);
  return { ...w, result };
}

async function rig(): Promise<NotesRig> {
  const r = await startNotesRig();
  cleanup(() => r.close());
  return r;
}

/** Runs the CLI until it prints the authorization URL, approves it in Chromium, and returns the run. */
async function authorizeAndRun(env: NodeJS.ProcessEnv, args: string[], callbackPort: number) {
  const run = runCli(env, args);
  const [, authUrl] = await run.until('stderr', /Please navigate to: (\S+)\n/, 'the authorization URL');
  await approveInChromium(browser(), authUrl!, new RegExp(`127\\.0\\.0\\.1:${callbackPort}/oauth/callback`));
  return { authUrl: new URL(authUrl!), out: await run.result, stderr: run.text.stderr };
}

const inspectorEnv = (home: Awaited<ReturnType<typeof clientHome>>) => ({
  ...home.env,
  // Its keychain is absent here (no Secret Service); the file store keeps tokens between runs.
  MCP_INSPECTOR_SECRET_STORE: 'file',
  // Without a TTY it refuses interactive OAuth unless told it may "open a browser".
  MCP_AUTO_OPEN_ENABLED: 'true',
});

describe(`MCP Inspector ${INSPECTOR.version} --cli`, () => {
  it('registers itself (DCR), gets consent clicked in Chromium, lists tools; a later run refreshes the really expired token', async () => {
    const { s, mcp, advance } = await rig();
    const env = inspectorEnv(await clientHome('authplane-inspector-cli-'));
    const port = await freePort();
    const callback = `http://127.0.0.1:${port}/oauth/callback`;

    const first = await authorizeAndRun(env, ['--server-url', mcp.url, '--callback-url', callback, '--method', 'tools/list'], port);
    expect(first.authUrl.origin + first.authUrl.pathname).toBe(`${s.issuer}/oauth/authorize`);
    expect(Object.fromEntries(['code_challenge_method', 'redirect_uri', 'scope', 'resource'].map((k) => [k, first.authUrl.searchParams.get(k)]))).toEqual({
      code_challenge_method: 'S256',
      redirect_uri: callback,
      // SEP-2207: AuthPlane lists offline_access in scopes_supported, so its SDK asks for a refresh token.
      scope: 'read write offline_access',
      resource: mcp.resource,
    });
    const clientId = first.authUrl.searchParams.get('client_id')!;
    expect(s.services.clients.get(clientId)).toMatchObject({ registration_source: 'dcr', token_endpoint_auth_method: 'none', redirect_uris: [callback] });
    expect(first.out.result.tools!.map((t) => t.name).sort()).toEqual(['read_note', 'whoami', 'write_note']);

    // Two hours later the stored access token is expired at AuthPlane and at the MCP server.
    advance(PAST_ACCESS_TOKEN_EXPIRY);
    const second = runCli(env, ['--server-url', mcp.url, '--callback-url', callback, '--stored-auth-only', '--method', 'tools/call', '--tool-name', 'whoami']);
    const whoami = JSON.parse((await second.result).result.content![0]!.text);
    expect(whoami).toMatchObject({ subject: 'dev-user', client_id: clientId, scopes: ['read', 'write'], aud: mcp.resource });
    expect(Date.parse(whoami.expires_at)).toBeGreaterThan(Date.now() + PAST_ACCESS_TOKEN_EXPIRY);
    expect((await issuances(s, clientId)).map((i) => i.grant)).toEqual(['refresh_token', 'authorization_code']);
  });

  it('pre-registered public client (--client-id), MCP 2026-07-28 (--protocol-era modern): no registration, any loopback port on a port-less registration', async () => {
    const { s, mcp } = await rig();
    await s.services.clients.create({ client_name: 'Inspector (pre-registered)', client_id: 'inspector-cli', redirect_uris: ['http://127.0.0.1/oauth/callback'], token_endpoint_auth_method: 'none' }, 'admin');
    const env = inspectorEnv(await clientHome('authplane-inspector-cli-'));
    const port = await freePort();
    const run = await authorizeAndRun(env, ['--server-url', mcp.url, '--protocol-era', 'modern', '--client-id', 'inspector-cli', '--callback-url', `http://127.0.0.1:${port}/oauth/callback`, '--method', 'tools/call', '--tool-name', 'whoami'], port);
    expect(run.authUrl.searchParams.get('client_id')).toBe('inspector-cli');
    expect(s.services.clients.list().filter((c) => c.registration_source === 'dcr')).toEqual([]);
    expect(JSON.parse(run.out.result.content![0]!.text)).toMatchObject({ subject: 'dev-user', client_id: 'inspector-cli', scopes: ['read', 'write'] });
  });
});
