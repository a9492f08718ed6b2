/**
 * The in-memory half of an MCP SDK `OAuthClientProvider`: client information, tokens and the
 * PKCE verifier live in the object. Subclasses decide how the browser step happens
 * (`authserver connect` waits on a loopback callback; tests follow the redirect themselves).
 */
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';

export interface MemoryProviderOptions {
  /** Use a pre-registered client instead of dynamic registration. */
  clientId?: string;
  /** A Client ID Metadata Document URL. */
  clientMetadataUrl?: string;
  /** The pre-registered client's secret (client_secret_basic or _post, as the AS metadata lists). */
  clientSecret?: string;
  /** Scopes to ask for at registration. */
  scope?: string;
  clientName?: string;
}

export abstract class MemoryAuthProvider implements OAuthClientProvider {
  info?: OAuthClientInformationMixed;
  saved?: OAuthTokens;
  private verifier = '';

  constructor(
    protected readonly redirect: string,
    protected readonly opts: MemoryProviderOptions = {},
  ) {
    if (opts.clientId) this.info = { client_id: opts.clientId, ...(opts.clientSecret ? { client_secret: opts.clientSecret } : {}) };
  }

  get redirectUrl() {
    return this.redirect;
  }

  get clientMetadataUrl() {
    return this.opts.clientMetadataUrl;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: this.opts.clientName ?? 'MCP client',
      redirect_uris: [this.redirect],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      ...(this.opts.scope ? { scope: this.opts.scope } : {}),
    };
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

  saveCodeVerifier(v: string) {
    this.verifier = v;
  }

  codeVerifier() {
    return this.verifier;
  }

  abstract redirectToAuthorization(url: URL): Promise<void>;
}
