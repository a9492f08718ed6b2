/**
 * `authserver connect <mcp-url>`: a real MCP client (the official TypeScript SDK) that does what
 * Claude or the Inspector would: discovers AuthPlane from the server's Protected Resource
 * Metadata, registers (DCR) or uses a given client id, runs the authorization-code flow with
 * PKCE and `resource`, then lists the tools and calls one. The browser step is a loopback
 * callback: with auto or remembered consent it completes by itself; otherwise the consent URL is
 * printed (and opened when possible) and the command waits for your click.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { MemoryAuthProvider } from './provider';

export interface ConnectOptions {
  mcpUrl: string;
  clientId?: string;
  scope?: string;
  /** Tool to call after connecting (default: whoami when the server has it). */
  tool?: string;
  toolArgs?: Record<string, unknown>;
  /** How to show the consent URL when a human must approve. */
  onConsentUrl?: (url: string) => void;
  timeoutMs?: number;
}

export interface ConnectResult {
  clientId: string;
  tokens: OAuthTokens;
  claims: Record<string, unknown>;
  tools: string[];
  toolResult?: unknown;
}

/** A one-shot loopback redirect listener (RFC 8252 §7.3): any free port on 127.0.0.1. */
async function startCallback(): Promise<{ url: string; code: Promise<string>; close(): void; server: Server }> {
  let resolve!: (c: string) => void;
  let reject!: (e: Error) => void;
  const code = new Promise<string>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (u.pathname !== '/callback') {
      res.writeHead(404).end();
      return;
    }
    const error = u.searchParams.get('error');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>AuthPlane</title><p>${error ? 'Authorization failed: ' + error.replace(/[<&]/g, '') : 'Authorized. You can close this tab.'}</p>`);
    if (error) reject(new Error(`authorization failed: ${error}: ${u.searchParams.get('error_description') ?? ''}`));
    else resolve(u.searchParams.get('code') ?? '');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/callback`, code, close: () => server.close(), server };
}

class CliAuthProvider extends MemoryAuthProvider {
  constructor(
    redirect: string,
    private readonly scope: string | undefined,
    private readonly deliver: (code: string) => void,
    private readonly showUrl: (url: string) => void,
    clientId?: string,
  ) {
    super(redirect, { clientId, scope, clientName: 'authserver connect' });
  }
  async redirectToAuthorization(url: URL) {
    if (this.scope) url.searchParams.set('scope', this.scope);
    // Follow one hop ourselves: with auto (or remembered) consent it lands on our callback.
    const res = await fetch(url, { redirect: 'manual' });
    const location = res.headers.get('location');
    if (location) {
      const target = new URL(location, url);
      if (target.href.startsWith(this.redirect)) {
        const err = target.searchParams.get('error');
        if (err) throw new Error(`authorization failed: ${err}: ${target.searchParams.get('error_description') ?? ''}`);
        this.deliver(target.searchParams.get('code') ?? '');
        return;
      }
    } else if (res.status >= 400) {
      throw new Error(`authorization request failed with HTTP ${res.status}: ${(await res.text()).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 300)}`);
    }
    this.showUrl(url.toString());
  }
}

export async function connect(opts: ConnectOptions): Promise<ConnectResult> {
  const cb = await startCallback();
  let direct: string | undefined;
  const provider = new CliAuthProvider(cb.url, opts.scope, (c) => (direct = c), (u) => opts.onConsentUrl?.(u), opts.clientId);
  const client = new Client({ name: 'authserver-connect', version: '1.0.0' });
  const make = () => new StreamableHTTPClientTransport(new URL(opts.mcpUrl), { authProvider: provider });
  let transport = make();
  try {
    try {
      await client.connect(transport);
    } catch (e) {
      if (!(e instanceof UnauthorizedError)) throw e;
      const timeout = new Promise<never>((_, rej) => setTimeout(() => rej(new Error('timed out waiting for the consent decision')), opts.timeoutMs ?? 300_000).unref());
      const code = direct ?? (await Promise.race([cb.code, timeout]));
      await transport.finishAuth(code);
      transport = make();
      await client.connect(transport);
    }
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    const tool = opts.tool ?? (names.includes('whoami') ? 'whoami' : undefined);
    const toolResult = tool ? await client.callTool({ name: tool, arguments: opts.toolArgs ?? {} }) : undefined;
    const tokens = provider.saved!;
    const claims = JSON.parse(Buffer.from(tokens.access_token.split('.')[1] ?? '', 'base64url').toString('utf8') || '{}') as Record<string, unknown>;
    return { clientId: String(provider.info?.client_id ?? ''), tokens, claims, tools: names, toolResult };
  } finally {
    cb.close();
    await client.close().catch(() => undefined);
  }
}
