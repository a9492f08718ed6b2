import { SignJWT } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createResourceVerifier,
  InsufficientScopeError,
  InvalidTokenError,
  JwksUnavailableError,
  MetadataError,
  MissingTokenError,
  type ResourceVerifierOptions,
} from '../../server/sdk';
import { startAsStub, type AsStub } from './helpers/as-stub';

const RESOURCE = 'http://127.0.0.1:3001/mcp';

let as: AsStub;
let clock: number;
beforeEach(async () => {
  as = await startAsStub({ resource: RESOURCE });
  clock = Date.now();
});
afterEach(() => as.close());

function verifier(extra: Partial<ResourceVerifierOptions> = {}) {
  return createResourceVerifier({ issuer: as.issuer, resource: RESOURCE, now: () => clock, ...extra });
}

async function rejection(p: Promise<unknown>): Promise<Error & { status?: number; code?: string }> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

describe('createResourceVerifier: valid tokens', () => {
  it('returns subject, client, scopes, expiry and claims', async () => {
    const token = await as.mint();
    const v = await verifier().verify(token);
    expect(v.token).toBe(token);
    expect(v.subject).toBe('user-123');
    expect(v.clientId).toBe('client-abc');
    expect(v.scopes).toEqual(['read', 'write']);
    expect(v.expiresAt).toBe(v.claims.exp);
    expect(v.claims.aud).toBe(RESOURCE);
    expect(Object.isFrozen(v) && Object.isFrozen(v.claims)).toBe(true);
  });

  it('accepts RS256 and an aud array containing the resource', async () => {
    const rsa = await as.addKey('RS256');
    const token = await as.mint({ aud: ['http://other', RESOURCE] }, {}, rsa);
    expect((await verifier().verify(token)).subject).toBe('user-123');
  });

  it('accepts typ "application/at+jwt" (RFC 9068 long form)', async () => {
    const token = await as.mint({}, { typ: 'application/at+jwt' });
    await expect(verifier().verify(token)).resolves.toBeTruthy();
  });

  it('initialises lazily and single-flight: one metadata and one JWKS fetch for concurrent first requests', async () => {
    const v = verifier();
    expect(as.hits).toEqual({ metadata: 0, jwks: 0 });
    const tokens = await Promise.all(Array.from({ length: 10 }, () => as.mint()));
    await Promise.all(tokens.map((t) => v.verify(t)));
    expect(as.hits).toEqual({ metadata: 1, jwks: 1 });
  });
});

describe('createResourceVerifier: rejections with precise descriptions', () => {
  it('wrong aud (trailing slash)', async () => {
    const err = await rejection(verifier().verify(await as.mint({ aud: `${RESOURCE}/` })));
    expect(err).toBeInstanceOf(InvalidTokenError);
    expect(err.status).toBe(401);
    expect(err.code).toBe('invalid_token');
    expect(err.message).toBe('aud "http://127.0.0.1:3001/mcp/" does not equal this resource "http://127.0.0.1:3001/mcp"');
  });

  it('aud array without the resource, and missing aud', async () => {
    const e1 = await rejection(verifier().verify(await as.mint({ aud: ['http://a', 'http://b'] })));
    expect(e1.message).toBe('aud ["http://a","http://b"] does not contain this resource "http://127.0.0.1:3001/mcp"');
    const e2 = await rejection(verifier().verify(await as.mint({ aud: undefined })));
    expect(e2.message).toMatch(/^aud is missing/);
  });

  it('wrong iss', async () => {
    const err = await rejection(verifier().verify(await as.mint({ iss: `${as.issuer}/` })));
    expect(err).toBeInstanceOf(InvalidTokenError);
    expect(err.message).toBe(`iss "${as.issuer}/" does not equal the expected issuer "${as.issuer}"`);
  });

  it('expired beyond the tolerance is rejected; within the tolerance accepted', async () => {
    const now = Math.floor(clock / 1000);
    const err = await rejection(verifier().verify(await as.mint({ exp: now - 31, iat: now - 900, nbf: now - 900 })));
    expect(err).toBeInstanceOf(InvalidTokenError);
    expect(err.message).toMatch(/^token expired at .*Z \(now .*Z, clock tolerance 30 s\)$/);
    await expect(verifier().verify(await as.mint({ exp: now - 20, iat: now - 900, nbf: now - 900 }))).resolves.toBeTruthy();
    // A custom tolerance of 0 rejects the same token.
    const strict = verifier({ clockTolerance: 0 });
    expect((await rejection(strict.verify(await as.mint({ exp: now - 20 })))).message).toMatch(/clock tolerance 0 s/);
  });

  it('nbf in the future beyond the tolerance', async () => {
    const now = Math.floor(clock / 1000);
    const err = await rejection(verifier().verify(await as.mint({ nbf: now + 120 })));
    expect(err.message).toMatch(/^token is not valid before /);
    await expect(verifier().verify(await as.mint({ nbf: now + 10 }))).resolves.toBeTruthy();
  });

  it('iat in the future beyond the tolerance', async () => {
    const now = Math.floor(clock / 1000);
    const err = await rejection(verifier().verify(await as.mint({ iat: now + 120, nbf: undefined })));
    expect(err.message).toMatch(/^token was issued in the future/);
  });

  it('typ missing or wrong', async () => {
    const missing = await rejection(verifier().verify(await as.mint({}, { typ: undefined })));
    expect(missing).toBeInstanceOf(InvalidTokenError);
    expect(missing.message).toMatch(/^JWT header has no typ; access tokens must carry typ "at\+jwt"/);
    const wrong = await rejection(verifier().verify(await as.mint({}, { typ: 'JWT' })));
    expect(wrong.message).toBe('JWT header typ "JWT" is not "at+jwt" (RFC 9068); this is not an OAuth access token');
  });

  it('refuses HS256 tokens, and refuses HS*/none at construction', async () => {
    const secret = new TextEncoder().encode('x'.repeat(32));
    const hs = await new SignJWT({ iss: as.issuer, aud: RESOURCE, sub: 's', client_id: 'c', jti: 'j' })
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: as.keys[0]!.kid })
      .setExpirationTime('5m')
      .sign(secret);
    const err = await rejection(verifier().verify(hs));
    expect(err.message).toBe('JWT alg "HS256" is not accepted; this resource accepts ES256, RS256');
    expect(as.hits.jwks).toBe(0); // refused before any key lookup
    expect(() => verifier({ algorithms: ['HS256'] })).toThrow(/never none or HS/);
    expect(() => verifier({ algorithms: ['none'] })).toThrow(TypeError);
  });

  it('a forged signature and a token from another key with the same kid', async () => {
    const token = await as.mint();
    const [h, p] = token.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), sub: 'admin' })).toString('base64url')}.${token.split('.')[2]}`;
    const err = await rejection(verifier().verify(tampered));
    expect(err.message).toMatch(/^signature verification failed with key kid /);
  });

  it('missing required claims', async () => {
    for (const claim of ['sub', 'client_id', 'jti'] as const) {
      const err = await rejection(verifier().verify(await as.mint({ [claim]: undefined })));
      expect(err.message).toBe(`required claim "${claim}" is missing or empty`);
    }
    const noExp = await rejection(verifier().verify(await as.mint({ exp: undefined })));
    expect(noExp.message).toBe('required claim "exp" is missing or not a number');
  });

  it('refuses sender-constrained (cnf) tokens, opaque tokens and empty tokens', async () => {
    const cnf = await rejection(verifier().verify(await as.mint({ cnf: { jkt: 'abc' } })));
    expect(cnf.message).toMatch(/sender-constrained/);
    expect((await rejection(verifier().verify('opaque-token'))).message).toMatch(/not a JWT/);
    expect(await rejection(verifier().verify(''))).toBeInstanceOf(MissingTokenError);
  });
});

describe('createResourceVerifier: JWKS and metadata', () => {
  it('unknown kid triggers one refetch (after the cooldown) and picks up a rotated key', async () => {
    const v = verifier();
    await v.verify(await as.mint());
    expect(as.hits.jwks).toBe(1);

    clock += 31_000; // past the 30 s cooldown, still inside max-age=300
    const rotated = await as.addKey('ES256');
    await expect(v.verify(await as.mint({}, {}, rotated))).resolves.toBeTruthy();
    expect(as.hits.jwks).toBe(2);

    // A kid the AS does not publish, right after a fetch: no refetch (cooldown), clear message.
    const stranger = await as.addKey('ES256', 'stranger');
    as.keys.pop();
    const err = await rejection(v.verify(await as.mint({}, {}, stranger)));
    expect(err).toBeInstanceOf(InvalidTokenError);
    expect(err.message).toMatch(/^kid "stranger" \(alg ES256\) is not in the authorization server's JWKS at .* at most every 30 s$/);
    expect(as.hits.jwks).toBe(2);

    // After the cooldown: exactly one refetch, then rejection.
    clock += 31_000;
    const err2 = await rejection(v.verify(await as.mint({}, {}, stranger)));
    expect(err2.message).toMatch(/even after refetching it/);
    expect(as.hits.jwks).toBe(3);
  });

  it('picks up a key rotated right after a routine fetch (the cooldown only follows unknown-kid refetches)', async () => {
    const v = verifier();
    await v.verify(await as.mint());
    expect(as.hits.jwks).toBe(1);
    const rotated = await as.addKey('ES256');
    await expect(v.verify(await as.mint({}, {}, rotated))).resolves.toBeTruthy();
    expect(as.hits.jwks).toBe(2);
  });

  it('honours Cache-Control max-age on the JWKS', async () => {
    as.jwksCacheControl = 'public, max-age=60';
    const v = verifier();
    await v.verify(await as.mint());
    clock += 59_000;
    await v.verify(await as.mint());
    expect(as.hits.jwks).toBe(1);
    clock += 2_000;
    await v.verify(await as.mint());
    expect(as.hits.jwks).toBe(2);
  });

  it('JWKS down after the first fetch: stale keys still verify, with a retry backoff', async () => {
    const v = verifier();
    await v.verify(await as.mint());
    as.jwksState = 'down';
    clock += 301_000; // past max-age=300
    await expect(v.verify(await as.mint())).resolves.toBeTruthy();
    expect(as.hits.jwks).toBe(2); // tried once, served stale
    await expect(v.verify(await as.mint())).resolves.toBeTruthy();
    expect(as.hits.jwks).toBe(2); // backing off
    as.jwksState = 'up';
    clock += 6_000;
    await v.verify(await as.mint());
    expect(as.hits.jwks).toBe(3);
  });

  it('JWKS down with nothing cached: 503 JwksUnavailableError', async () => {
    as.jwksState = 'down';
    const err = await rejection(verifier().verify(await as.mint()));
    expect(err).toBeInstanceOf(JwksUnavailableError);
    expect(err.status).toBe(503);
    expect(err.message).toContain(as.jwksUri);
    expect(err.message).toContain('HTTP 500');
  });

  it('metadata issuer mismatch: 503 MetadataError naming both strings', async () => {
    as.metadataOverrides = { issuer: `${as.issuer}/` };
    const err = await rejection(verifier().verify(await as.mint()));
    expect(err).toBeInstanceOf(MetadataError);
    expect(err.status).toBe(503);
    expect(err.message).toBe(
      `authorization server metadata at ${as.issuer}/.well-known/oauth-authorization-server has issuer "${as.issuer}/", ` +
        `but this resource server is configured with issuer "${as.issuer}"; they must be equal byte for byte (RFC 8414 §3.3); ` +
        'they differ only by a trailing slash',
    );
  });

  it('metadata unreachable: 503, and the next request retries', async () => {
    as.metadataState = 'down';
    const v = verifier();
    const token = await as.mint();
    expect(await rejection(v.verify(token))).toBeInstanceOf(MetadataError);
    as.metadataState = 'up';
    await expect(v.verify(token)).resolves.toBeTruthy();
    expect(as.hits.metadata).toBe(2);
  });
});

describe('createResourceVerifier: cache and scopes', () => {
  it('a repeated token returns the same result without touching the AS', async () => {
    const v = verifier();
    const token = await as.mint();
    const first = await v.verify(token);
    as.jwksState = 'down';
    as.metadataState = 'down';
    const second = await v.verify(token);
    expect(second).toBe(first);
    expect(as.hits).toEqual({ metadata: 1, jwks: 1 });
  });

  it('a cached token stops being accepted once it expires (with the tolerance)', async () => {
    const v = verifier();
    const now = Math.floor(clock / 1000);
    const token = await as.mint({ exp: now + 60 });
    await v.verify(token);
    clock += 89_000;
    await expect(v.verify(token)).resolves.toBeTruthy();
    clock += 2_000;
    expect((await rejection(v.verify(token))).message).toMatch(/^token expired at/);
  });

  it('the LRU is bounded', async () => {
    const v = verifier({ cacheMaxEntries: 2 });
    const [a, b, c] = await Promise.all([as.mint(), as.mint(), as.mint()]);
    const ra = await v.verify(a!);
    await v.verify(b!);
    await v.verify(c!); // evicts a
    expect(await v.verify(a!)).not.toBe(ra);
  });

  it('a token that keeps being used is never evicted by newer ones', async () => {
    const v = verifier({ cacheMaxEntries: 4 });
    const hot = await as.mint();
    const first = await v.verify(hot);
    for (const t of await Promise.all(Array.from({ length: 20 }, () => as.mint()))) {
      await v.verify(t);
      expect(await v.verify(hot)).toBe(first);
    }
  });

  it('constructor scopes are required on every call, per-call scopes add to them', async () => {
    const v = verifier({ scopes: ['read'] });
    const readOnly = await as.mint({ scope: 'read' });
    await expect(v.verify(readOnly)).resolves.toBeTruthy();
    const err = await rejection(v.verify(readOnly, { requiredScopes: ['write'] }));
    expect(err).toBeInstanceOf(InsufficientScopeError);
    expect(err.status).toBe(403);
    expect(err.code).toBe('insufficient_scope');
    const e = err as InsufficientScopeError;
    expect(e.requiredScopes).toEqual(['read', 'write']);
    expect(e.missingScopes).toEqual(['write']);
    expect(e.challengeScopes).toEqual(['read', 'write']);
    expect(e.message).toBe('token lacks required scope "write" (required: "read write", granted: "read")');
    // Scope failures are re-checked on the cached path too.
    expect(await rejection(v.verify(readOnly, { requiredScopes: ['write'] }))).toBeInstanceOf(InsufficientScopeError);
    const none = await as.mint({ scope: undefined });
    expect(await rejection(v.verify(none))).toBeInstanceOf(InsufficientScopeError);
  });
});
