/**
 * The OAuth side of `authserver connect`. Its own authorization request is the only one: the
 * command follows the authorize redirect itself, and when AuthPlane answers with its consent
 * page, prints that page (the prompt this request created) and waits on that prompt through
 * /consent/wait?waiter=cli. A decision in the window or on the page reaches it either way: the
 * long poll returns the redirect, or the browser brings the code to the loopback callback.
 */
import { discoverOAuthServerInfo, registerClient, type OAuthDiscoveryState } from '@modelcontextprotocol/sdk/client/auth.js';
import { PATHS } from '../oauth/paths';
import type { Callback } from './callback';
import { ConnectError } from './errors';
import { MemoryAuthProvider } from './provider';

interface Pending {
  promise: Promise<string>;
  resolve(code: string): void;
  reject(e: Error): void;
}

function pending(): Pending {
  let resolve!: (c: string) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<string>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Nobody may be awaiting yet when it fails; the error is read through pendingCode().
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

export class CliAuthProvider extends MemoryAuthProvider {
  private current?: Pending;
  private waitAbort?: AbortController;
  private scopeOverride?: string;
  private discovery?: OAuthDiscoveryState;
  private readonly showUrl: (url: string) => void;

  constructor(cb: Callback, o: { clientId?: string; scope?: string; showUrl: (url: string) => void }) {
    super(cb.url, { clientId: o.clientId, clientName: 'authserver connect' });
    this.scopeOverride = o.scope;
    this.showUrl = o.showUrl;
    cb.onResult = (params) => this.deliver(params);
  }

  /** The code of the authorization in progress. */
  pendingCode(): Promise<string> {
    return this.current?.promise ?? Promise.reject(new ConnectError('the MCP server asked for authorization, but no authorization was started'));
  }

  /** The token lacks a scope: forget it, and let the challenge's scope replace --scope. */
  stepUp(): void {
    this.saved = undefined;
    this.scopeOverride = undefined;
  }

  stopWaiting(): void {
    this.waitAbort?.abort();
  }

  discoveryState() {
    return this.discovery;
  }

  saveDiscoveryState(state: OAuthDiscoveryState) {
    this.discovery = state;
  }

  async redirectToAuthorization(url: URL): Promise<void> {
    this.stopWaiting();
    this.current = pending();
    if (this.scopeOverride) url.searchParams.set('scope', this.scopeOverride);
    const res = await fetch(url, { redirect: 'manual' });
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
    else p.resolve(params.get('code') ?? '');
    this.stopWaiting();
  }

  /** Long-polls the prompt until it is decided; also tells the window that this command waits on it. */
  private async waitOn(waitUrl: URL, p: Pending): Promise<void> {
    const ac = new AbortController();
    this.waitAbort = ac;
    while (!ac.signal.aborted) {
      let body: { redirect?: string; pending?: boolean };
      try {
        const res = await fetch(waitUrl, { signal: ac.signal });
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
 */
export async function preRegister(p: CliAuthProvider, mcpUrl: string): Promise<void> {
  // Anything unusual (no metadata, server down) is left to the SDK, which reports it in context.
  const info = await discoverOAuthServerInfo(mcpUrl).catch(() => undefined);
  if (!info) return;
  p.saveDiscoveryState(info);
  if (!info.authorizationServerMetadata?.registration_endpoint) return;
  const registered = await registerClient(info.authorizationServerUrl, { metadata: info.authorizationServerMetadata, clientMetadata: p.clientMetadata });
  p.saveClientInformation({ ...registered, issuer: String(info.authorizationServerUrl) } as typeof registered);
}
