/**
 * `authserver connect <mcp-url>`: a real MCP client (the official TypeScript SDK) that does what
 * Claude or the Inspector would: discovers AuthPlane from the server's Protected Resource
 * Metadata, registers (DCR) or uses a given client id, runs the authorization-code flow with
 * PKCE and `resource`, then lists the tools and calls one. With auto or remembered consent the
 * flow completes by itself; otherwise the consent page of the prompt its own request created is
 * printed and the command waits on that prompt (a decision in the browser or the window).
 * A 403 insufficient_scope from a tool call steps up: fresh authorization with the challenged scope.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { startCallback, type Callback } from './callback';
import { CliAuthProvider, preRegister } from './cliProvider';
import { ConnectError } from './errors';
import { waitReachable } from './reachable';

export { ConnectError };

export interface ConnectOptions {
  mcpUrl: string;
  clientId?: string;
  scope?: string;
  /** Tool to call after connecting (default: whoami when the server has it). */
  tool?: string;
  toolArgs?: Record<string, unknown>;
  /** How to show the consent page when a human must approve. */
  onConsentUrl?: (url: string) => void;
  /** The loopback callback's port (default: any free port). */
  callbackPort?: number;
  timeoutMs?: number;
  /** How long to wait for the MCP server to start listening (default 10 s). */
  reachTimeoutMs?: number;
}

export interface ConnectResult {
  clientId: string;
  tokens: OAuthTokens;
  claims: Record<string, unknown>;
  tools: string[];
  toolResult?: unknown;
}

export async function connect(opts: ConnectOptions): Promise<ConnectResult> {
  await waitReachable(opts.mcpUrl, opts.reachTimeoutMs);
  const cb: Callback = await startCallback(opts.callbackPort ?? 0);
  const provider = new CliAuthProvider(cb, { clientId: opts.clientId, scope: opts.scope, showUrl: (u) => opts.onConsentUrl?.(u) });
  const client = new Client({ name: 'authserver-connect', version: '1.0.0' });
  // Step-up (SDK 1.x re-sends the old token's refresh and gives up: typescript-sdk#2255): a 403
  // insufficient_scope drops the stored tokens, so the SDK starts a fresh authorization with the
  // challenged scope instead of refreshing into the same too-narrow token.
  const stepUpFetch = async (url: string | URL, init?: RequestInit): Promise<Response> => {
    const res = await fetch(url, init);
    if (res.status === 403 && /error="insufficient_scope"/.test(res.headers.get('www-authenticate') ?? '')) provider.stepUp();
    return res;
  };
  const make = () => new StreamableHTTPClientTransport(new URL(opts.mcpUrl), { authProvider: provider, fetch: stepUpFetch });
  let transport = make();
  const awaitCode = (): Promise<string> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, rej) => {
      timer = setTimeout(() => rej(new ConnectError('timed out waiting for the consent decision')), opts.timeoutMs ?? 300_000);
    });
    return Promise.race([provider.pendingCode(), timeout]).finally(() => clearTimeout(timer));
  };
  // Runs an MCP operation; when it needed an authorization, completes it and runs it again.
  const authorized = async <T>(op: () => Promise<T>, reconnect: boolean): Promise<T> => {
    try {
      return await op();
    } catch (e) {
      if (!(e instanceof UnauthorizedError)) throw e;
      await transport.finishAuth(await awaitCode());
      if (reconnect) transport = make();
      return op();
    }
  };
  try {
    if (!opts.clientId) await preRegister(provider, opts.mcpUrl);
    await authorized(() => client.connect(transport), true);
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    const tool = opts.tool ?? (names.includes('whoami') ? 'whoami' : undefined);
    if (tool && !names.includes(tool)) throw new ConnectError(`the server has no tool "${tool}"; it has: ${names.join(', ') || '(none)'}`);
    const toolResult = tool ? await authorized(() => client.callTool({ name: tool, arguments: opts.toolArgs ?? {} }), false) : undefined;
    const tokens = provider.saved!;
    const claims = JSON.parse(Buffer.from(tokens.access_token.split('.')[1] ?? '', 'base64url').toString('utf8') || '{}') as Record<string, unknown>;
    return { clientId: String(provider.info?.client_id ?? ''), tokens, claims, tools: names, toolResult };
  } finally {
    provider.stopWaiting();
    cb.close();
    await client.close().catch(() => undefined);
  }
}
