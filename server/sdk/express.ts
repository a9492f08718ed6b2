/**
 * Express adapter (v4 and v5). `req.auth` gets a RequestAuth, which is structurally the MCP
 * SDK's AuthInfo, so StreamableHTTPServerTransport forwards it to tools as `extra.authInfo`.
 */
import type { Request, RequestHandler } from 'express';
import type { RequestAuth } from './auth-info';
import { authenticate, type BearerAuthOptions } from './bearer';
import { MCP_CORS_HEADERS, MCP_PREFLIGHT_HEADERS, PREFLIGHT_STATUS, PRM_PREFLIGHT_HEADERS } from './cors';
import { PRM_HEADERS, protectedResourceMetadata, type ProtectedResourceMetadataOptions } from './prm';
import type { ResourceVerifier } from './verifier';

/**
 * Express middleware: verifies the bearer token, sets `req.auth` (a RequestAuth, read it with
 * `expressAuth(req)`), or answers 401/403/503 with the challenge. Other errors go to `next(err)`.
 *
 * @example
 * ```ts
 * const auth = expressBearerAuth(verifier, { resourceMetadataUrl: prmUrl(resource) });
 * app.get(prmPath(resource), expressPrmHandler({ resource, issuer, scopes: ['read', 'write'] }));
 * app.post('/notes', expressBearerAuth(verifier, { resourceMetadataUrl: prmUrl(resource), requiredScopes: ['write'] }), handler);
 * app.get('/me', auth, (req, res) => res.json({ sub: expressAuth(req)!.subject }));
 * ```
 */
export function expressBearerAuth(verifier: ResourceVerifier, opts: BearerAuthOptions): RequestHandler {
  return (req, res, next) => {
    authenticate(verifier, req.headers.authorization, opts).then((out) => {
      if (out.ok) {
        // Assigned through a cast: the MCP SDK may already augment Request with `auth: AuthInfo`,
        // and a second, different augmentation would not compile.
        (req as Request & { auth?: RequestAuth }).auth = out.auth;
        next();
        return;
      }
      res.status(out.response.status).set(out.response.headers).json(out.response.body);
    }, next);
  };
}

/** The auth object set by expressBearerAuth, typed. */
export function expressAuth(req: Request): RequestAuth | undefined {
  return (req as Request & { auth?: RequestAuth }).auth;
}

/**
 * Handler serving the PRM document on GET and the CORS preflight on OPTIONS; mount it at
 * `prmPath(resource)` for both methods.
 *
 * @example
 * ```ts
 * app.get(prmPath(resource), expressPrmHandler({ resource, issuer, scopes: ['read', 'write'] }));
 * app.options(prmPath(resource), expressPrmHandler({ resource, issuer, scopes: ['read', 'write'] }));
 * ```
 */
export function expressPrmHandler(opts: ProtectedResourceMetadataOptions): RequestHandler {
  const body = JSON.stringify(protectedResourceMetadata(opts));
  return (req, res) => {
    if (req.method === 'OPTIONS') {
      res.status(PREFLIGHT_STATUS).set(PRM_PREFLIGHT_HEADERS).end();
      return;
    }
    res.status(200).set(PRM_HEADERS).send(body);
  };
}

/**
 * CORS for the MCP endpoint; put it BEFORE the bearer auth so a browser's preflight (which never
 * carries the token) gets 204 instead of 401, and every answer, challenges included, is readable.
 *
 * @example
 * ```ts
 * app.use('/mcp', expressMcpCors());
 * app.all('/mcp', requireBearerAuth({ verifier: mcpTokenVerifier(verifier), resourceMetadataUrl: prm.url }), mcpHandler);
 * ```
 */
export function expressMcpCors(): RequestHandler {
  return (req, res, next) => {
    if (req.method === 'OPTIONS') {
      res.status(PREFLIGHT_STATUS).set(MCP_PREFLIGHT_HEADERS).end();
      return;
    }
    res.set(MCP_CORS_HEADERS);
    next();
  };
}
