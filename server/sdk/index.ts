/**
 * AuthPlane resource-server SDK: verify AuthPlane access tokens (RFC 9068 JWTs) in an MCP
 * server or any HTTP API, answer with RFC 6750 / RFC 9728 challenges, and serve Protected
 * Resource Metadata so MCP clients can discover the authorization server.
 *
 * The core (`createResourceVerifier`) is framework-free; the adapters are a few lines each.
 *
 * @example MCP TypeScript SDK on Express
 * ```ts
 * import express from 'express';
 * import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
 * import { createResourceVerifier, expressMcpCors, mcpTokenVerifier, mountProtectedResourceMetadata } from 'authplane-desktop/sdk';
 *
 * const issuer = 'http://127.0.0.1:9000';
 * const resource = 'http://127.0.0.1:3001/mcp'; // exactly as registered in AuthPlane
 * const verifier = createResourceVerifier({ issuer, resource });
 * const app = express();
 * const prm = mountProtectedResourceMetadata(app, { resource, issuer, scopes: ['read', 'write'] });
 * app.use('/mcp', expressMcpCors()); // CORS before auth: a browser's preflight carries no token
 * app.all('/mcp', requireBearerAuth({ verifier: mcpTokenVerifier(verifier), resourceMetadataUrl: prm.url }), mcpHandler);
 * ```
 *
 * @example MCP TypeScript SDK v2 (2026-07-28, stateless), any fetch runtime
 * ```ts
 * import { createMcpHandler } from '@modelcontextprotocol/server';
 * import { createResourceVerifier, prmPath, prmResponse, prmUrl, withBearerAuth, withMcpCors } from 'authplane-desktop/sdk';
 *
 * const mcp = createMcpHandler(buildServer); // a fresh McpServer per request; tools read ctx.http.authInfo
 * const handler = withMcpCors(withBearerAuth(verifier, (req, auth) => mcp.fetch(req, { authInfo: auth }), { resourceMetadataUrl: prmUrl(resource) }));
 * export default { fetch: (req: Request) => new URL(req.url).pathname === prmPath(resource) ? prmResponse({ resource, issuer, scopes: ['read'] }, req) : handler(req) };
 * ```
 */

export { createResourceVerifier } from './verifier';
export type { ResourceVerifier, ResourceVerifierOptions, VerifiedToken, VerifyOptions } from './verifier';
export type { AccessTokenClaims, ActClaim } from './claims';
export { actChain } from './claims';
export { exchangeToken, TokenExchangeError, TOKEN_EXCHANGE_GRANT, ACCESS_TOKEN_TYPE } from './exchange';
export type { ExchangeTokenOptions, ExchangedToken } from './exchange';
export {
  ResourceAuthError,
  InvalidTokenError,
  MissingTokenError,
  InsufficientScopeError,
  JwksUnavailableError,
  MetadataError,
  isResourceAuthError,
} from './errors';
export type { AuthErrorCode } from './errors';
export { wwwAuthenticate, challengeResponse } from './challenge';
export type { ChallengeOptions, ChallengeResponse } from './challenge';
export { protectedResourceMetadata, prmPath, prmUrl, PRM_HEADERS } from './prm';
export type { ProtectedResourceMetadata, ProtectedResourceMetadataOptions } from './prm';
export { extractBearerToken, authenticate } from './bearer';
export type { BearerAuthOptions, BearerOutcome } from './bearer';
export type { RequestAuth } from './auth-info';
export type { FetchLike } from './fetch-json';
export { mcpTokenVerifier, mountProtectedResourceMetadata } from './mcp';
export type { McpTokenVerifier } from './mcp';
export { expressBearerAuth, expressAuth, expressPrmHandler, expressMcpCors } from './express';
export { koaBearerAuth, koaPrmHandler, koaMcpCors } from './koa';
export { withBearerAuth, prmResponse, withMcpCors } from './fetch';
export { MCP_CORS_ALLOW_HEADERS, MCP_CORS_EXPOSE_HEADERS, MCP_CORS_HEADERS, MCP_PREFLIGHT_HEADERS, PRM_PREFLIGHT_HEADERS } from './cors';
export type { AuthedHandler } from './fetch';
