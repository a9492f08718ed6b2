import { describe, expect, it } from 'vitest';
import {
  challengeResponse,
  extractBearerToken,
  InsufficientScopeError,
  InvalidTokenError,
  JwksUnavailableError,
  MissingTokenError,
  prmPath,
  prmUrl,
  protectedResourceMetadata,
  wwwAuthenticate,
} from '../../server/sdk';

const PRM = 'http://127.0.0.1:3001/.well-known/oauth-protected-resource/mcp';

describe('wwwAuthenticate', () => {
  it('invalid token: error, sanitised description, scope, resource_metadata in that order', () => {
    const err = new InvalidTokenError('aud "http://127.0.0.1:3001/mcp/" does not equal this resource "http://127.0.0.1:3001/mcp"');
    expect(wwwAuthenticate(err, { resourceMetadataUrl: PRM, scope: ['read', 'write'] })).toBe(
      'Bearer error="invalid_token", ' +
        `error_description="aud 'http://127.0.0.1:3001/mcp/' does not equal this resource 'http://127.0.0.1:3001/mcp'", ` +
        `scope="read write", resource_metadata="${PRM}"`,
    );
  });

  it('missing token: no error code (RFC 6750 §3.1), scope and resource_metadata only', () => {
    const err = new MissingTokenError('no Authorization header');
    expect(wwwAuthenticate(err, { resourceMetadataUrl: PRM })).toBe(`Bearer resource_metadata="${PRM}"`);
    expect(wwwAuthenticate(err, { resourceMetadataUrl: PRM, scope: 'read' })).toBe(`Bearer scope="read", resource_metadata="${PRM}"`);
    expect(wwwAuthenticate(err)).toBe('Bearer');
  });

  it('insufficient scope: scope defaults to granted + required (for step-up)', () => {
    const err = new InsufficientScopeError(['write'], ['read']);
    expect(wwwAuthenticate(err, { resourceMetadataUrl: PRM })).toBe(
      'Bearer error="insufficient_scope", ' +
        `error_description="token lacks required scope 'write' (required: 'write', granted: 'read')", ` +
        `scope="read write", resource_metadata="${PRM}"`,
    );
    expect(wwwAuthenticate(err, { scope: 'write' })).toMatch(/, scope="write"$/);
  });

  it('sanitises quotes, backslashes, CR/LF and non-ASCII; supports realm', () => {
    const err = new InvalidTokenError('a "b" \\c\r\nSet-Cookie: x=1 é');
    expect(wwwAuthenticate(err, { realm: 'mcp "x"' })).toBe(
      `Bearer realm="mcp 'x'", error="invalid_token", error_description="a 'b' /c  Set-Cookie: x=1 ?"`,
    );
  });
});

describe('challengeResponse', () => {
  it('401 / 403 / 503 with headers and JSON body', () => {
    const r401 = challengeResponse(new InvalidTokenError('bad'), { resourceMetadataUrl: PRM });
    expect(r401).toEqual({
      status: 401,
      headers: {
        'Content-Type': 'application/json',
        'Cache-Control': 'no-store',
        'WWW-Authenticate': `Bearer error="invalid_token", error_description="bad", resource_metadata="${PRM}"`,
      },
      body: { error: 'invalid_token', error_description: 'bad' },
    });
    const r403 = challengeResponse(new InsufficientScopeError(['write'], ['read']), { resourceMetadataUrl: PRM });
    expect(r403.status).toBe(403);
    expect(r403.body.error).toBe('insufficient_scope');
    const r503 = challengeResponse(new JwksUnavailableError('JWKS down'), { resourceMetadataUrl: PRM });
    expect(r503.status).toBe(503);
    expect(r503.headers['WWW-Authenticate']).toBeUndefined();
    expect(r503.headers['Retry-After']).toBe('5');
    expect(r503.body).toEqual({ error: 'temporarily_unavailable', error_description: 'JWKS down' });
    const missing = challengeResponse(new MissingTokenError('none'), { resourceMetadataUrl: PRM });
    expect(missing.headers['WWW-Authenticate']).toBe(`Bearer resource_metadata="${PRM}"`);
  });
});

describe('extractBearerToken', () => {
  it('parses the Bearer scheme and classifies failures', () => {
    expect(extractBearerToken('Bearer abc.def-_~+/=')).toBe('abc.def-_~+/=');
    expect(extractBearerToken('bearer  abc')).toBe('abc');
    expect(() => extractBearerToken(undefined)).toThrow(MissingTokenError);
    expect(() => extractBearerToken('Basic dXNlcjpwYXNz')).toThrow(MissingTokenError);
    const bad = (() => {
      try {
        extractBearerToken('Bearer a b');
      } catch (e) {
        return e;
      }
    })();
    expect(bad).toBeInstanceOf(InvalidTokenError);
    expect(bad).not.toBeInstanceOf(MissingTokenError);
  });
});

describe('PRM', () => {
  it('paths drop the trailing slash; a root resource maps to the bare well-known path', () => {
    expect(prmPath('http://h:1/mcp')).toBe('/.well-known/oauth-protected-resource/mcp');
    expect(prmPath('http://h:1/mcp/')).toBe('/.well-known/oauth-protected-resource/mcp');
    expect(prmPath('http://h:1')).toBe('/.well-known/oauth-protected-resource');
    expect(prmPath('http://h:1/')).toBe('/.well-known/oauth-protected-resource');
    expect(prmPath('http://h:1/a/b/mcp')).toBe('/.well-known/oauth-protected-resource/a/b/mcp');
    expect(prmUrl('http://h:1/mcp/')).toBe('http://h:1/.well-known/oauth-protected-resource/mcp');
    expect(prmUrl('http://h:1')).toBe('http://h:1/.well-known/oauth-protected-resource');
  });

  it('document keeps resource and issuer verbatim', () => {
    expect(protectedResourceMetadata({ resource: 'http://h:1', issuer: 'http://127.0.0.1:9000', scopes: ['read'], resourceName: 'Notes' })).toEqual({
      resource: 'http://h:1',
      authorization_servers: ['http://127.0.0.1:9000'],
      scopes_supported: ['read'],
      bearer_methods_supported: ['header'],
      resource_signing_alg_values_supported: ['ES256', 'RS256'],
      resource_name: 'Notes',
    });
    expect(protectedResourceMetadata({ resource: 'http://h:1/mcp', issuer: 'i', scopes: [] })).not.toHaveProperty('resource_name');
  });
});
