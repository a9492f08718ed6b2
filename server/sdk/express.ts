/**
 * Express adapter (v4 and v5). `req.auth` gets a RequestAuth, which is structurally the MCP
 * SDK's AuthInfo, so StreamableHTTPServerTransport forwards it to tools as `extra.authInfo`.
 */
import type { Request, RequestHandler } from 'express';
import type { RequestAuth } from './auth-info';
import { authenticate, type BearerAuthOptions } from './bearer';
import { PRM_HEADERS, protectedResourceMetadata, type ProtectedResourceMetadataOptions } from './prm';
import type { ResourceVerifier } from './verifier';

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

export function expressPrmHandler(opts: ProtectedResourceMetadataOptions): RequestHandler {
  const body = JSON.stringify(protectedResourceMetadata(opts));
  return (_req, res) => {
    res.status(200).set(PRM_HEADERS).send(body);
  };
}
