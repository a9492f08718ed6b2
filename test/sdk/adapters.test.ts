import express from 'express';
import Koa from 'koa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createResourceVerifier,
  expressAuth,
  expressBearerAuth,
  expressMcpCors,
  expressPrmHandler,
  koaBearerAuth,
  koaMcpCors,
  koaPrmHandler,
  prmPath,
  prmResponse,
  prmUrl,
  withBearerAuth,
  withMcpCors,
  type RequestAuth,
  type ResourceVerifier,
} from '../../server/sdk';
import { startAsStub, type AsStub } from './helpers/as-stub';
import { fetchListener, listen, type Listening } from './helpers/listen';

/**
 * Each adapter is exercised over real HTTP with the same script: PRM, no token, bad aud,
 * good token, and a route needing a scope the token lacks.
 */
// Port 0 means the resource URI is only known after listen; the adapters are built lazily.
function lazy<T>(): { set(v: T): void; get(): T } {
  let value: T | undefined;
  return { set: (v) => void (value = v), get: () => value as T };
}

const harnesses: Record<string, (mk: (origin: string) => { verifier: ResourceVerifier; resource: string; issuer: string }) => Promise<Listening & { resource: string }>> = {
  async express(mk) {
    const app = express();
    const handlers = lazy<{ read: express.RequestHandler; write: express.RequestHandler; prm: express.RequestHandler }>();
    const l = await listen(app);
    const cfg = mk(l.origin);
    const opts = { resourceMetadataUrl: prmUrl(cfg.resource) };
    handlers.set({
      read: expressBearerAuth(cfg.verifier, opts),
      write: expressBearerAuth(cfg.verifier, { ...opts, requiredScopes: ['write'] }),
      prm: expressPrmHandler({ resource: cfg.resource, issuer: cfg.issuer, scopes: ['read', 'write'] }),
    });
    app.get(prmPath(cfg.resource), (req, res, next) => handlers.get().prm(req, res, next));
    app.options(prmPath(cfg.resource), (req, res, next) => handlers.get().prm(req, res, next));
    app.use('/mcp', expressMcpCors());
    app.get('/mcp', (req, res, next) => handlers.get().read(req, res, next), (req, res) => res.json(who(expressAuth(req)!)));
    app.post('/mcp', (req, res, next) => handlers.get().write(req, res, next), (req, res) => res.json(who(expressAuth(req)!)));
    return { ...l, resource: cfg.resource };
  },
  async koa(mk) {
    const app = new Koa();
    const mw = lazy<{ read: Koa.Middleware; write: Koa.Middleware; prm: Koa.Middleware; path: string }>();
    app.use(async (ctx, next) => {
      const m = mw.get();
      if (ctx.path === m.path) return m.prm(ctx, next);
      if (ctx.path !== '/mcp') return;
      await koaMcpCors()(ctx, () =>
        (ctx.method === 'POST' ? m.write : m.read)(ctx, async () => {
          ctx.body = who(ctx.state.auth as RequestAuth);
        }),
      );
    });
    const l = await listen(app.callback());
    const cfg = mk(l.origin);
    const opts = { resourceMetadataUrl: prmUrl(cfg.resource) };
    mw.set({
      read: koaBearerAuth(cfg.verifier, opts),
      write: koaBearerAuth(cfg.verifier, { ...opts, requiredScopes: ['write'] }),
      prm: koaPrmHandler({ resource: cfg.resource, issuer: cfg.issuer, scopes: ['read', 'write'] }),
      path: prmPath(cfg.resource),
    });
    return { ...l, resource: cfg.resource };
  },
  async fetch(mk) {
    const handler = lazy<(req: Request) => Promise<Response>>();
    const l = await listen(fetchListener((req) => handler.get()(req)));
    const cfg = mk(l.origin);
    const opts = { resourceMetadataUrl: prmUrl(cfg.resource) };
    const ok = (_req: Request, auth: RequestAuth) => Response.json(who(auth));
    const read = withBearerAuth(cfg.verifier, ok, opts);
    const write = withBearerAuth(cfg.verifier, ok, { ...opts, requiredScopes: ['write'] });
    const mcp = withMcpCors((req) => (req.method === 'POST' ? write(req) : read(req)));
    handler.set(async (req) => {
      const path = new URL(req.url).pathname;
      if (path === prmPath(cfg.resource)) return prmResponse({ resource: cfg.resource, issuer: cfg.issuer, scopes: ['read', 'write'] }, req);
      return mcp(req);
    });
    return { ...l, resource: cfg.resource };
  },
};

function who(auth: RequestAuth) {
  return { sub: auth.subject, client_id: auth.clientId, scopes: auth.scopes, resource: auth.resource.href, extra: auth.extra };
}

describe.each(Object.keys(harnesses))('%s adapter end to end', (name) => {
  let as: AsStub;
  let server: Listening & { resource: string };
  let resource = '';

  beforeEach(async () => {
    // The AS stub mints for whatever resource the server ends up on; set once the port is known.
    as = await startAsStub({ resource: 'placeholder' });
    server = await harnesses[name]!((origin) => {
      resource = `${origin}/mcp`;
      return { verifier: createResourceVerifier({ issuer: as.issuer, resource }), resource, issuer: as.issuer };
    });
  });
  afterEach(async () => {
    await server.close();
    await as.close();
  });

  const prm = () => `${server.origin}/.well-known/oauth-protected-resource/mcp`;

  it('serves PRM at the derived path', async () => {
    const res = await fetch(prm());
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(await res.json()).toEqual({
      resource,
      authorization_servers: [as.issuer],
      scopes_supported: ['read', 'write'],
      bearer_methods_supported: ['header'],
      resource_signing_alg_values_supported: ['ES256', 'RS256'],
    });
  });

  it('PRM preflight: 204 with ACAO * and the methods/headers a browser client asks for', async () => {
    const res = await fetch(prm(), {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:6274', 'access-control-request-method': 'GET', 'access-control-request-headers': 'mcp-protocol-version' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toBe('GET, OPTIONS');
    expect(res.headers.get('access-control-allow-headers')).toBe(
      'Authorization, Content-Type, Accept, MCP-Protocol-Version, Mcp-Session-Id, Mcp-Method, Last-Event-ID',
    );
    expect(res.headers.get('access-control-max-age')).toBe('86400');
    expect(await res.text()).toBe('');
  });

  it('MCP endpoint preflight: 204 (not 401) with the MCP headers; challenges are readable cross-origin', async () => {
    const pre = await fetch(`${server.origin}/mcp`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:6274', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,mcp-method' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('www-authenticate')).toBeNull();
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-methods')).toBe('GET, POST, DELETE, OPTIONS');
    expect(pre.headers.get('access-control-allow-headers')).toBe(
      'Authorization, Content-Type, Accept, MCP-Protocol-Version, Mcp-Session-Id, Mcp-Method, Last-Event-ID',
    );
    expect(pre.headers.get('access-control-expose-headers')).toBe('WWW-Authenticate, Mcp-Session-Id, MCP-Protocol-Version');
    const res = await fetch(`${server.origin}/mcp`, { method: 'POST', headers: { origin: 'http://localhost:6274' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-expose-headers')).toBe('WWW-Authenticate, Mcp-Session-Id, MCP-Protocol-Version');
  });

  it('no token: 401 with resource_metadata and no error code', async () => {
    const res = await fetch(`${server.origin}/mcp`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${prm()}"`);
    expect((await res.json()).error).toBe('invalid_token');
  });

  it('wrong aud: 401 invalid_token with the description', async () => {
    const token = await as.mint({ aud: `${resource}/` });
    const res = await fetch(`${server.origin}/mcp`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(
      `Bearer error="invalid_token", error_description="aud '${resource}/' does not equal this resource '${resource}'", resource_metadata="${prm()}"`,
    );
    expect(await res.json()).toEqual({ error: 'invalid_token', error_description: `aud "${resource}/" does not equal this resource "${resource}"` });
  });

  it('valid token reaches the handler with the auth object', async () => {
    const token = await as.mint({ aud: resource, scope: 'read' });
    const res = await fetch(`${server.origin}/mcp`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      sub: 'user-123',
      client_id: 'client-abc',
      scopes: ['read'],
      resource,
      extra: { sub: 'user-123', jti: expect.any(String), iss: as.issuer },
    });
  });

  it('missing route scope: 403 insufficient_scope with the step-up scope', async () => {
    const token = await as.mint({ aud: resource, scope: 'read' });
    const res = await fetch(`${server.origin}/mcp`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toBe(
      `Bearer error="insufficient_scope", error_description="token lacks required scope 'write' (required: 'write', granted: 'read')", ` +
        `scope="read write", resource_metadata="${prm()}"`,
    );
    // A 401 on the same route advertises the route's scope.
    const res401 = await fetch(`${server.origin}/mcp`, { method: 'POST' });
    expect(res401.headers.get('www-authenticate')).toBe(`Bearer scope="write", resource_metadata="${prm()}"`);
  });

  it('AS unreachable: 503', async () => {
    as.metadataState = 'down';
    const token = await as.mint({ aud: resource });
    const res = await fetch(`${server.origin}/mcp`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(503);
    expect((await res.json()).error).toBe('temporarily_unavailable');
  });
});
