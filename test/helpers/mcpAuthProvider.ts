/**
 * An OAuthClientProvider for the real MCP SDK client in tests. It keeps everything in memory
 * and "opens the browser" by following the authorization URL with fetch: with `--consent auto`
 * AuthPlane answers 303 straight to the redirect URI with the code.
 */
import { MemoryAuthProvider, type MemoryProviderOptions } from '../../server/connect/provider';

export class TestAuthProvider extends MemoryAuthProvider {
  /** The code from the last authorization redirect. */
  code?: string;
  /** The whole callback query of the last authorization (code, iss, state): SDK v2's finishAuth takes it. */
  callback?: URLSearchParams;
  authorizations: URL[] = [];

  constructor(redirect = 'http://127.0.0.1:8976/callback', opts: MemoryProviderOptions = {}) {
    super(redirect, { clientName: 'MCP SDK test client', ...opts });
  }

  async redirectToAuthorization(url: URL) {
    this.authorizations.push(url);
    const res = await fetch(url, { redirect: 'manual' });
    const location = res.headers.get('location');
    if (!location) throw new Error(`authorization did not redirect (${res.status}): ${await res.text()}`);
    const cb = new URL(location);
    const error = cb.searchParams.get('error');
    if (error) throw new Error(`authorization failed: ${error}: ${cb.searchParams.get('error_description')}`);
    this.code = cb.searchParams.get('code') ?? undefined;
    this.callback = cb.searchParams;
  }
}
