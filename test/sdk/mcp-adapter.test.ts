import {
  InsufficientScopeError as SdkInsufficientScopeError,
  InvalidTokenError as SdkInvalidTokenError,
  ServerError as SdkServerError,
} from '@modelcontextprotocol/sdk/server/auth/errors.js';
import express from 'express';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createResourceVerifier, mcpTokenVerifier, mountProtectedResourceMetadata } from '../../server/sdk';
import { startAsStub, type AsStub } from './helpers/as-stub';
import { listen } from './helpers/listen';

const RESOURCE = 'http://127.0.0.1:3001/mcp';
let as: AsStub;
beforeEach(async () => {
  as = await startAsStub({ resource: RESOURCE });
});
afterEach(() => as.close());

describe('mcpTokenVerifier', () => {
  it('returns an MCP AuthInfo with resource URL and extra {sub, jti, iss}', async () => {
    const v = mcpTokenVerifier(createResourceVerifier({ issuer: as.issuer, resource: RESOURCE }));
    const token = await as.mint({ jti: 'the-jti' });
    const info = await v.verifyAccessToken(token);
    expect(info).toMatchObject({ token, clientId: 'client-abc', scopes: ['read', 'write'], extra: { sub: 'user-123', jti: 'the-jti', iss: as.issuer } });
    expect(info.resource).toEqual(new URL(RESOURCE));
    expect(typeof info.expiresAt).toBe('number');
  });

  it('throws the SDK error classes, with header-safe messages', async () => {
    const core = createResourceVerifier({ issuer: as.issuer, resource: RESOURCE });
    const bad = await mcpTokenVerifier(core).verifyAccessToken(await as.mint({ aud: `${RESOURCE}/` })).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(SdkInvalidTokenError);
    expect((bad as Error).message).toBe(`aud '${RESOURCE}/' does not equal this resource '${RESOURCE}'`);
    const scope = await mcpTokenVerifier(core, { requiredScopes: ['admin'] }).verifyAccessToken(await as.mint()).catch((e: unknown) => e);
    expect(scope).toBeInstanceOf(SdkInsufficientScopeError);
    as.metadataState = 'down';
    const fresh = createResourceVerifier({ issuer: as.issuer, resource: RESOURCE });
    const down = await mcpTokenVerifier(fresh).verifyAccessToken(await as.mint()).catch((e: unknown) => e);
    expect(down).toBeInstanceOf(SdkServerError);
  });
});

describe('mountProtectedResourceMetadata', () => {
  it('mounts PRM on an Express app and returns path and URL', async () => {
    const app = express();
    const l = await listen(app);
    try {
      const resource = `${l.origin}/mcp/`;
      const prm = mountProtectedResourceMetadata(app, { resource, issuer: as.issuer, scopes: ['read'] });
      expect(prm).toEqual({ path: '/.well-known/oauth-protected-resource/mcp', url: `${l.origin}/.well-known/oauth-protected-resource/mcp` });
      const body = await (await fetch(prm.url)).json();
      expect(body.resource).toBe(resource); // verbatim, trailing slash kept
      const pre = await fetch(prm.url, { method: 'OPTIONS', headers: { origin: 'http://localhost:6274', 'access-control-request-method': 'GET' } });
      expect(pre.status).toBe(204);
      expect(pre.headers.get('access-control-allow-origin')).toBe('*');
      expect(pre.headers.get('access-control-allow-methods')).toBe('GET, OPTIONS');
    } finally {
      await l.close();
    }
  });
});
