/**
 * The OAuth side of `authserver connect`. Its own authorization request is the only one: the
 * command follows the authorize redirect itself, and when AuthPlane answers with its consent
 * page, prints that page (the prompt this request created) and waits on that prompt through
 * /consent/wait?waiter=cli. A decision in the window or on the page reaches it either way: the
 * long poll returns the redirect, or the browser brings the code to the loopback callback.
 */
import { discoverOAuthServerInfo, registerClient, resolveClientMetadata, type OAuthDiscoveryState } from '@modelcontextprotocol/client';
import { PATHS } from '../oauth/paths';
import type { Callback } from './callback';
import { ConnectError, timedOut } from './errors';
import { connectFetch, longPollFetch, type ConnectFetch } from './http';
import { MemoryAuthProvider } from './provider';

interface Pending {
  promise: Promise<URLSearchParams>;
  resolve(params: URLSearchParams): void;
  reject(e: Error): void;
}

function pending(): Pending {
  let resolve!: (c: URLSearchParams) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<URLSearchParams>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Nobody may be awaiting yet when it fails; the error is read through pendingCallback().
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

export interface CliProviderOptions {
  clientId?: string;
  clientSecret?: string;
  clientMetadataUrl?: string;
  scope?: string;
  showUrl: (url: string) => void;
  /** Deadline of each request (the long poll gets the server's hold time on top). */
  requestTimeoutMs: number;
}

export class CliAuthProvider extends MemoryAuthProvider {
  private current?: Pending;
  private waitAbort?: AbortController;
  private scopeOverride?: string;
  private discovery?: OAuthDiscoveryState;
  private readonly showUrl: (url: string) => void;
  private readonly fetch: ConnectFetch;
  private readonly pollFetch: ConnectFetch;

  constructor(cb: Callback, o: CliProviderOptions) {
    super(cb.url, { clientId: o.clientId, clientSecret: o.clientSecret, clientMetadataUrl: o.clientMetadataUrl, clientName: 'authserver connect' });
    this.scopeOverride = o.scope;
    this.showUrl = o.showUrl;
    this.fetch = connectFetch(o.requestTimeoutMs);
    this.pollFetch = longPollFetch(o.requestTimeoutMs);
    cb.onResult = (params) => this.deliver(params);
  }

  /** The callback parameters (code, iss, state) of the authorization in progress. */
  pendingCallback(): Promise<URLSearchParams> {
    return this.current?.promise ?? Promise.reject(new ConnectError('the MCP server asked for authorization, but no authorization was started'));
  }

  /**
   * The server challenged for more scope: --scope stops replacing the SDK's choice, which is
   * the union of what was asked before and what the challenge names (SEP-2350).
   */
  stepUp(): void {
    this.scopeOverride = undefined;
  }

  /**
   * What the SDK (or connect) says is no longer valid. A pre-registered --client-id is the
   * user's word and stays; a dynamically registered one is dropped, so the SDK registers again.
   */
  invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): void {
    if (scope === 'all' || scope === 'discovery') this.discovery = undefined;
    if (scope === 'all' || scope === 'tokens') this.saved = undefined;
    if ((scope === 'all' || scope === 'client') && !this.opts.clientId) this.info = undefined;
  }

  stopWaiting(): void {
    this.waitAbort?.abort();
  }

  discoveryState() {
    return this.discovery;
  }

  /**
   * A --client-id is given for whichever AS the MCP server names: stamp that issuer on it at
   * first read (SEP-2352 binds stored credentials to their issuer, and warns on an unstamped one).
   */
  override clientInformation(ctx?: { issuer: string }) {
    if (this.info && !('issuer' in this.info) && ctx?.issuer) this.info = { ...this.info, issuer: ctx.issuer };
    return this.info;
  }

  saveDiscoveryState(state: OAuthDiscoveryState) {
    this.discovery = state;
  }

  async redirectToAuthorization(url: URL): Promise<void> {
    this.stopWaiting();
    this.current = pending();
    if (this.scopeOverride) url.searchParams.set('scope', this.scopeOverride);
    const res = await this.fetch(url);
    const location = res.headers.get('location');
    if (!location) {
      if (res.status >= 400) throw new ConnectError(`authorization request failed with HTTP ${res.status}: ${(await res.text()).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 300)}`);
      this.showUrl(url.toString());
      return;
    }
    const target = new URL(location, url);
    // Auto or remembered consent: the code is already in the redirect.
    if (this.isCallback(target)) return this.deliver(target.searchParams);
    this.showUrl(target.href);
    const uid = target.origin === url.origin && target.pathname === PATHS.consent ? target.searchParams.get('interaction') : null;
    if (uid) void this.waitOn(new URL(`${PATHS.consent}/wait?waiter=cli&interaction=${encodeURIComponent(uid)}`, url), this.current);
  }

  private isCallback(u: URL): boolean {
    const cb = new URL(this.redirect);
    return u.origin === cb.origin && u.pathname === cb.pathname;
  }

  private deliver(params: URLSearchParams): void {
    const p = this.current;
    if (!p) return;
    const error = params.get('error');
    if (error) p.reject(new ConnectError(`authorization failed: ${error}: ${params.get('error_description') ?? ''}`));
    else p.resolve(params);
    this.stopWaiting();
  }

  /** Long-polls the prompt until it is decided; also tells the window that this command waits on it. */
  private async waitOn(waitUrl: URL, p: Pending): Promise<void> {
    const ac = new AbortController();
    this.waitAbort = ac;
    while (!ac.signal.aborted) {
      let body: { redirect?: string; pending?: boolean };
      try {
        const res = await this.pollFetch(waitUrl, { signal: ac.signal });
        if (res.status === 404) return p.reject(new ConnectError('the consent request expired before anyone decided it; run the command again'));
        body = (await res.json()) as typeof body;
      } catch (e) {
        if (!ac.signal.aborted) p.reject(new ConnectError(`lost AuthPlane while waiting for the consent decision: ${(e as Error).message}`));
        return;
      }
      if (body.redirect) {
        const target = new URL(body.redirect);
        if (this.isCallback(target) && p === this.current) this.deliver(target.searchParams);
        return;
      }
    }
  }
}

/**
 * Registers without a `scope`: the SDK would send the resource's scopes, which AuthPlane records
 * but does not enforce, and warns about; its own CLI must not set off its own warnings.
 * Only when discovery really found the server's PRM and the AS metadata; anything unusual (PRM
 * only named in a 401's WWW-Authenticate, no registration endpoint, a CIMD-capable AS and a
 * client metadata URL) is left to the SDK, which discovers from the challenge and reports in context.
 */
export async function preRegister(p: CliAuthProvider, mcpUrl: string, fetchFn: ConnectFetch): Promise<void> {
  // A hung server is not "unusual": waiting for it again in the SDK's own discovery would double the wait.
  const info = await discoverOAuthServerInfo(mcpUrl, { fetchFn }).catch((e: unknown) => {
    if (timedOut(e)) throw e;
    return undefined;
  });
  const metadata = info?.authorizationServerMetadata;
  if (!info?.resourceMetadata || !metadata?.registration_endpoint) return;
  if (p.clientMetadataUrl && metadata.client_id_metadata_document_supported === true) return;
  const registered = await registerClient(info.authorizationServerUrl, { metadata, clientMetadata: resolveClientMetadata(p), fetchFn });
  p.saveClientInformation({ ...registered, issuer: metadata.issuer } as typeof registered);
}
