/** Shared plumbing for the interop tests: connect a real SDK client, decide consent prompts, small servers. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import type { PendingInteraction } from '../../server/contracts';
import { TestAuthProvider } from '../helpers/mcpAuthProvider';

/** The SDK's own dance: connect, and on UnauthorizedError finish the authorization and connect again. */
export async function connectSdk(url: string, provider: TestAuthProvider, fetchFn?: typeof fetch) {
  const make = () => new StreamableHTTPClientTransport(new URL(url), { authProvider: provider, ...(fetchFn ? { fetch: fetchFn } : {}) });
  const client = new Client({ name: 'authplane-interop', version: '1.0.0' });
  let transport = make();
  try {
    await client.connect(transport);
  } catch (e) {
    if (!(e instanceof UnauthorizedError)) throw e;
    await transport.finishAuth(provider.code!);
    transport = make();
    await client.connect(transport);
  }
  return { client, transport };
}

export const toolText = (r: unknown) => (r as { content: Array<{ text: string }> }).content[0]!.text;

/**
 * A provider for servers in consent `prompt` mode: it follows the authorization URL to the
 * consent page and decides the pending interaction through the admin API, as the desktop
 * window does, with the scopes `approve` picks.
 */
export class ConsentingProvider extends TestAuthProvider {
  prompts: PendingInteraction[] = [];
  constructor(
    redirect: string,
    opts: { clientId?: string },
    private readonly issuer: string,
    private readonly adminToken: string,
    private readonly approve: (p: PendingInteraction, n: number) => string[] | undefined = () => undefined,
  ) {
    super(redirect, opts);
  }

  override async redirectToAuthorization(url: URL) {
    this.authorizations.push(url);
    const res = await fetch(url, { redirect: 'manual' });
    let location = new URL(res.headers.get('location') ?? '', url);
    const uid = location.searchParams.get('interaction');
    if (uid) {
      const admin = (path: string, init?: RequestInit) => fetch(`${this.issuer}/admin/api${path}`, { ...init, headers: { authorization: `Bearer ${this.adminToken}`, 'content-type': 'application/json' } });
      const pending = ((await (await admin('/interactions')).json()) as PendingInteraction[]).find((p) => p.uid === uid)!;
      this.prompts.push(pending);
      const scopes = this.approve(pending, this.prompts.length);
      const d = await admin(`/interactions/${uid}/decision`, { method: 'POST', body: JSON.stringify({ action: 'approve', ...(scopes ? { scopes } : {}) }) });
      location = new URL(((await d.json()) as { redirect: string }).redirect);
    }
    const error = location.searchParams.get('error');
    if (error) throw new Error(`authorization failed: ${error}: ${location.searchParams.get('error_description')}`);
    this.code = location.searchParams.get('code') ?? undefined;
    this.callback = location.searchParams;
  }
}

/** A loopback HTTP server answering with `handler`; counts requests per path. */
export async function serveLoopback(handler: (req: IncomingMessage, res: ServerResponse, origin: string) => void) {
  const hits = new Map<string, number>();
  let origin = '';
  const server = createServer((req, res) => {
    const path = new URL(req.url!, origin).pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    handler(req, res, origin);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    hits,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A port nobody listens on right now (for clients that insist on choosing their own). */
export { freePort } from '../helpers/ports';
