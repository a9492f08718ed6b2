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
 * import { createResourceVerifier, mcpTokenVerifier, mountProtectedResourceMetadata } from 'authplane-desktop/sdk';
 *
 * const issuer = 'http://127.0.0.1:9000';
 * const resource = 'http://127.0.0.1:3001/mcp'; // exactly as registered in AuthPlane
 * const verifier = createResourceVerifier({ issuer, resource });
 * const app = express();
 * const prm = mountProtectedResourceMetadata(app, { resource, issuer, scopes: ['read', 'write'] });
 * app.all('/mcp', requireBearerAuth({ verifier: mcpTokenVerifier(verifier), resourceMetadataUrl: prm.url }), mcpHandler);
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
export { expressBearerAuth, expressAuth, expressPrmHandler } from './express';
export { koaBearerAuth, koaPrmHandler } from './koa';
export { withBearerAuth, prmResponse } from './fetch';
export type { AuthedHandler } from './fetch';
