/**
 * A tiny stand-in for the AuthPlane authorization server: real HTTP on 127.0.0.1 serving RFC
 * 8414 metadata and a JWKS generated with jose, plus a token minter. The real server is built
 * in parallel; an interop test against it lives elsewhere.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

export interface StubKey {
  kid: string;
  alg: 'ES256' | 'RS256';
  privateKey: CryptoKey;
  jwk: JWK;
}

export interface AsStub {
  issuer: string;
  jwksUri: string;
  hits: { metadata: number; jwks: number };
  /** Keys currently published; the first one signs by default. */
  keys: StubKey[];
  /** 'up' serves normally, 'down' answers 500 for the selected document. */
  jwksState: 'up' | 'down';
  metadataState: 'up' | 'down';
  /** Overrides for the metadata body (e.g. a wrong issuer). */
  metadataOverrides: Record<string, unknown>;
  jwksCacheControl: string | undefined;
  addKey(alg?: 'ES256' | 'RS256', kid?: string): Promise<StubKey>;
  mint(claims?: Partial<MintClaims>, header?: Record<string, unknown>, key?: StubKey): Promise<string>;
  close(): Promise<void>;
}

export interface MintClaims extends JWTPayload {
  sub: string;
  client_id: string;
  scope: string;
  aud: string | string[];
}

export async function makeKey(alg: 'ES256' | 'RS256' = 'ES256', kid = `k-${Math.random().toString(36).slice(2, 10)}`): Promise<StubKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, alg, privateKey, jwk };
}

export async function startAsStub(opts: { resource: string; issuerSuffix?: string }): Promise<AsStub> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/.well-known/oauth-authorization-server') {
      stub.hits.metadata++;
      if (stub.metadataState === 'down') return void res.writeHead(500).end('down');
      const body = { issuer: stub.issuer, jwks_uri: stub.jwksUri, token_endpoint: `${stub.issuer}/oauth/token`, ...stub.metadataOverrides };
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    }
    if (path === '/.well-known/jwks.json') {
      stub.hits.jwks++;
      if (stub.jwksState === 'down') return void res.writeHead(500).end('down');
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (stub.jwksCacheControl !== undefined) headers['cache-control'] = stub.jwksCacheControl;
      return void res.writeHead(200, headers).end(JSON.stringify({ keys: stub.keys.map((k) => k.jwk) }));
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;

  const stub: AsStub = {
    issuer,
    jwksUri: `${issuer}/.well-known/jwks.json`,
    hits: { metadata: 0, jwks: 0 },
    keys: [await makeKey('ES256')],
    jwksState: 'up',
    metadataState: 'up',
    metadataOverrides: {},
    jwksCacheControl: 'max-age=300',
    async addKey(alg = 'ES256', kid) {
      const k = await makeKey(alg, kid);
      stub.keys.push(k);
      return k;
    },
    async mint(claims = {}, header = {}, key = stub.keys[0]!) {
      const nowS = Math.floor(Date.now() / 1000);
      const payload: JWTPayload = {
        iss: issuer,
        sub: 'user-123',
        aud: opts.resource,
        client_id: 'client-abc',
        scope: 'read write',
        jti: `jti-${Math.random().toString(36).slice(2)}`,
        iat: nowS,
        nbf: nowS,
        exp: nowS + 900,
        ...claims,
      };
      // undefined in claims means "omit this claim".
      for (const [k, v] of Object.entries(payload)) if (v === undefined) delete payload[k];
      const protectedHeader = { alg: key.alg, typ: 'at+jwt', kid: key.kid, ...header };
      for (const [k, v] of Object.entries(protectedHeader)) if (v === undefined) delete (protectedHeader as Record<string, unknown>)[k];
      return new SignJWT(payload).setProtectedHeader(protectedHeader as { alg: string }).sign(key.privateKey);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return stub;
}
