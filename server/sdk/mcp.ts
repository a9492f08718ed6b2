/**
 * Adapter for the official MCP TypeScript SDK (v1.x). The SDK's requireBearerAuth handles the
 * HTTP side; it only needs an OAuthTokenVerifier. It renders its own error classes, so ours are
 * translated into them here.
 */
import {
  InsufficientScopeError as SdkInsufficientScopeError,
  InvalidTokenError as SdkInvalidTokenError,
  ServerError as SdkServerError,
} from '@modelcontextprotocol/sdk/server/auth/errors.js';
import type { OAuthTokenVerifier } from '@modelcontextprotocol/sdk/server/auth/provider.js';
import type { IRouter } from 'express';
import { toRequestAuth, type RequestAuth } from './auth-info';
import { sanitize } from './challenge';
import { InsufficientScopeError, InvalidTokenError, isResourceAuthError } from './errors';
import { expressPrmHandler } from './express';
import { prmPath, prmUrl, type ProtectedResourceMetadataOptions } from './prm';
import type { ResourceVerifier, VerifyOptions } from './verifier';

export interface McpTokenVerifier extends OAuthTokenVerifier {
  verifyAccessToken(token: string): Promise<RequestAuth>;
}

/**
 * An OAuthTokenVerifier for `requireBearerAuth({ verifier, resourceMetadataUrl })`.
 * Note the SDK itself rejects a token once `expiresAt` has passed, ignoring our clock tolerance,
 * and answers a 503 (AS unreachable) as a 500 `server_error`.
 *
 * @example
 * ```ts
 * import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
 * const prm = mountProtectedResourceMetadata(app, { resource, issuer, scopes: ['read', 'write'] });
 * app.use('/mcp', expressMcpCors()); // before auth: a preflight carries no token
 * app.all('/mcp', requireBearerAuth({ verifier: mcpTokenVerifier(verifier), resourceMetadataUrl: prm.url }), mcpHandler);
 * // tools receive it as extra.authInfo: { token, clientId, scopes, expiresAt, resource, extra: { sub, jti, iss } }
 * ```
 */
export function mcpTokenVerifier(verifier: ResourceVerifier, options: VerifyOptions = {}): McpTokenVerifier {
  return {
    async verifyAccessToken(token) {
      try {
        return toRequestAuth(await verifier.verify(token, options), verifier.resource);
      } catch (err) {
        throw toSdkError(err);
      }
    },
  };
}

function toSdkError(err: unknown): unknown {
  if (!isResourceAuthError(err)) return err;
  // The SDK interpolates the message into WWW-Authenticate without escaping it.
  const message = sanitize(err.description);
  if (err instanceof InsufficientScopeError) return new SdkInsufficientScopeError(message);
  if (err instanceof InvalidTokenError) return new SdkInvalidTokenError(message);
  return new SdkServerError(message);
}

/**
 * Serve PRM at the path MCP clients derive from the resource URI (GET, and OPTIONS for the
 * CORS preflight of browser clients), without pulling in mcpAuthMetadataRouter (which also
 * mirrors AS metadata and rejects http issuers other than localhost). Returns the path and the
 * absolute URL for `resourceMetadataUrl`.
 *
 * @example
 * ```ts
 * const { url } = mountProtectedResourceMetadata(app, { resource: 'http://127.0.0.1:3001/mcp', issuer, scopes: ['read'] });
 * // GET /.well-known/oauth-protected-resource/mcp now serves the document; url is its absolute URL
 * ```
 */
export function mountProtectedResourceMetadata(
  app: Pick<IRouter, 'get' | 'options'>,
  opts: ProtectedResourceMetadataOptions,
): { path: string; url: string } {
  const path = prmPath(opts.resource);
  const handler = expressPrmHandler(opts);
  app.get(path, handler);
  app.options(path, handler);
  return { path, url: prmUrl(opts.resource) };
}
