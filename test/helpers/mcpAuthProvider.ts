/**
 * An OAuthClientProvider for the real MCP SDK client in tests. It keeps everything in memory
 * and "opens the browser" by following the authorization URL with fetch: with `--consent auto`
 * AuthPlane answers 303 straight to the redirect URI with the code.
 */
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';

export class TestAuthProvider implements OAuthClientProvider {
  info?: OAuthClientInformationMixed;
  saved?: OAuthTokens;
  verifier = '';
  /** The code from the last authorization redirect. */
  code?: string;
  authorizations: URL[] = [];

  constructor(
    private readonly redirect = 'http://127.0.0.1:8976/callback',
    private readonly opts: { clientId?: string; clientMetadataUrl?: string; scope?: string } = {},
  ) {
    if (opts.clientId) this.info = { client_id: opts.clientId };
  }

  get redirectUrl() {
    return this.redirect;
  }

  get clientMetadataUrl() {
    return this.opts.clientMetadataUrl;
  }

  get clientMetadata(): OAuthClientMetadata {
    return { client_name: 'MCP SDK test client', redirect_uris: [this.redirect], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none', ...(this.opts.scope ? { scope: this.opts.scope } : {}) };
  }

  clientInformation() {
    return this.info;
  }

  saveClientInformation(info: OAuthClientInformationMixed) {
    this.info = info;
  }

  tokens() {
    return this.saved;
  }

  saveTokens(tokens: OAuthTokens) {
    this.saved = tokens;
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
  }

  saveCodeVerifier(v: string) {
    this.verifier = v;
  }

  codeVerifier() {
    return this.verifier;
  }
}
