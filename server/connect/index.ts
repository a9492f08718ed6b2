/**
 * `authserver connect <mcp-url>`: a real MCP client (the official TypeScript SDK v2) that does
 * what Claude or the Inspector would: discovers AuthPlane from the server's Protected Resource
 * Metadata, registers (DCR), uses a given client id (and secret), or a Client ID Metadata
 * Document URL, runs the authorization-code flow with PKCE and `resource`, then lists the tools
 * and calls one. It speaks 2026-07-28 (stateless; MCP-Protocol-Version and Mcp-Method on every
 * request) or, with `protocol: '2025-11-25'`, the initialize/session handshake.
 * With auto or remembered consent the flow completes by itself; otherwise the consent page of
 * the prompt its own request created is printed and the command waits on that prompt.
 * Every request has a deadline (`requestTimeoutMs`, connect/http.ts): a hung server fails the run.
 * A 403 insufficient_scope steps up: the SDK re-authorizes with the union of the scopes asked
 * before and the challenged ones (SEP-2350), and the call is retried.
 */
import { Client, StreamableHTTPClientTransport, UnauthorizedError, type OAuthTokens } from '@modelcontextprotocol/client';
import { DEFAULT_MCP_PROTOCOL, type McpProtocol } from '../contracts/mcpProtocol';
import { startCallback, type Callback } from './callback';
import { CliAuthProvider, preRegister } from './cliProvider';
import { ConnectError, withNetworkCause } from './errors';
import { connectFetch, DEFAULT_REQUEST_TIMEOUT_MS } from './http';
import { waitReachable } from './reachable';

export { ConnectError };

export interface ConnectOptions {
  mcpUrl: string;
  clientId?: string;
  /** The pre-registered client's secret; sent as the AS metadata's auth methods allow. */
  clientSecret?: string;
  /** An https Client ID Metadata Document URL, used as client_id when the AS supports CIMD. */
  clientMetadataUrl?: string;
  scope?: string;
  /** MCP protocol revision (default 2026-07-28). */
  protocol?: McpProtocol;
  /** Tool to call after connecting (default: whoami when the server has it). */
  tool?: string;
  toolArgs?: Record<string, unknown>;
  /** How to show the consent page when a human must approve. */
  onConsentUrl?: (url: string) => void;
  /** The loopback callback's port (default: any free port). */
  callbackPort?: number;
  /** How long to wait for the consent decision (default 300 s). */
  timeoutMs?: number;
  /** Deadline of each HTTP request, headers and body (default 30 s; `--timeout`). */
  requestTimeoutMs?: number;
  /** How long to wait for the MCP server to start listening (default 10 s). */
  reachTimeoutMs?: number;
}

export interface ConnectResult {
  clientId: string;
  protocol: McpProtocol;
  tokens: OAuthTokens;
  /** The access token's JWT claims; empty when the token is opaque (not a JWT). */
  claims: Record<string, unknown>;
  tools: string[];
  toolResult?: unknown;
}

export async function connect(opts: ConnectOptions): Promise<ConnectResult> {
  await waitReachable(opts.mcpUrl, opts.reachTimeoutMs);
  const protocol = opts.protocol ?? DEFAULT_MCP_PROTOCOL;
  const requestTimeoutMs = opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const bounded = connectFetch(requestTimeoutMs);
  const cb: Callback = await startCallback(opts.callbackPort ?? 0);
  const provider = new CliAuthProvider(cb, {
    clientId: opts.clientId,
    clientSecret: opts.clientSecret,
    clientMetadataUrl: opts.clientMetadataUrl,
    scope: opts.scope,
    showUrl: (u) => opts.onConsentUrl?.(u),
    requestTimeoutMs,
  });
  const client = new Client(
    { name: 'authserver-connect', version: '1.0.0' },
    { versionNegotiation: { mode: protocol === '2025-11-25' ? 'legacy' : { pin: protocol } } },
  );
  const mcpFetch = async (url: string | URL, init?: RequestInit): Promise<Response> => {
    const res = await bounded(url, init);
    if (res.status === 403 && /error="insufficient_scope"/.test(res.headers.get('www-authenticate') ?? '')) provider.stepUp();
    // A token refused with 401: the server may have moved to another authorization server
    // (SEP-2352), so the SDK must read its PRM again rather than reuse the cached discovery.
    if (res.status === 401 && new Headers(init?.headers).has('authorization')) provider.invalidateCredentials('discovery');
    return res;
  };
  const make = () => new StreamableHTTPClientTransport(new URL(opts.mcpUrl), { authProvider: provider, fetch: mcpFetch });
  let transport = make();
  const awaitCallback = (): Promise<URLSearchParams> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, rej) => {
      timer = setTimeout(() => rej(new ConnectError('timed out waiting for the consent decision')), opts.timeoutMs ?? 300_000);
    });
    return Promise.race([provider.pendingCallback(), timeout]).finally(() => clearTimeout(timer));
  };
  // Runs an MCP operation; when it needed an authorization (first one or a step-up), completes
  // it and runs the operation again. Any request may be the first to meet a 401: a 2026-07-28
  // server has no initialize, and a 2025 one may let initialize through unauthenticated.
  const authorized = async <T>(op: () => Promise<T>, reconnect = false): Promise<T> => {
    try {
      return await op();
    } catch (e) {
      if (!(e instanceof UnauthorizedError)) throw e;
      await transport.finishAuth(await awaitCallback());
      if (reconnect) transport = make();
      return op();
    }
  };
  try {
    if (!opts.clientId) await preRegister(provider, opts.mcpUrl, bounded);
    await authorized(() => client.connect(transport), true).catch((e: unknown) => {
      // Pinned to 2026-07-28, the SDK has no fallback; say which flag reaches an older server.
      if (protocol !== '2025-11-25' && e instanceof Error && e.message.startsWith('Version negotiation failed')) {
        throw new ConnectError(`${e.message}; an MCP server on SDK 1.x speaks 2025-11-25: pass --protocol 2025-11-25`);
      }
      throw e;
    });
    const { tools } = await authorized(() => client.listTools());
    const names = tools.map((t) => t.name);
    const tool = opts.tool ?? (names.includes('whoami') ? 'whoami' : undefined);
    if (tool && !names.includes(tool)) throw new ConnectError(`the server has no tool "${tool}"; it has: ${names.join(', ') || '(none)'}`);
    const toolResult = tool ? await authorized(() => client.callTool({ name: tool, arguments: opts.toolArgs ?? {} })) : undefined;
    const tokens = provider.saved!;
    return { clientId: String(provider.info?.client_id ?? ''), protocol, tokens, claims: jwtClaims(tokens.access_token), tools: names, toolResult };
  } catch (e) {
    throw withNetworkCause(e);
  } finally {
    provider.stopWaiting();
    cb.close();
    await client.close().catch(() => undefined);
  }
}

/** The payload of a JWT access token; {} for an opaque one (RFC 6749 tokens need not be JWTs). */
export function jwtClaims(token: string): Record<string, unknown> {
  const parts = token.split('.');
  if (parts.length !== 3) return {};
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
    return typeof claims === 'object' && claims !== null && !Array.isArray(claims) ? (claims as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
