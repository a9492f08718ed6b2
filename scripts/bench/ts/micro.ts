/**
 * In-process measurements, one JSON line on stdout:
 *
 * - floor.sign: one ES256 signature of an AuthPlane-sized JWT signing input, exactly as
 *   server/domain/keys.ts does it (node:crypto, a cached KeyObject, ieee-p1363).
 * - sdk: the SDK adapter's createResourceVerifier().verify() for a fresh token each time and for
 *   one repeated token, beside raw jose jwtVerify (what a resource server would otherwise call)
 *   on the same fresh tokens. Metadata and JWKS are served from memory (the verifier's `fetch`
 *   option), so nothing but verification is timed.
 *
 *   node micro.mjs [--ms 1500]
 * Each loop is bounded by a count and a time; the CPU time is this process's (process.cpuUsage).
 */
import { createPrivateKey, generateKeyPairSync, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { createResourceVerifier } from '../../../server/sdk/index';

const MS = Number(process.argv[process.argv.indexOf('--ms') + 1]) || 1500;
const ISSUER = 'http://127.0.0.1:9000';
const RESOURCE = 'http://127.0.0.1:3001/mcp';
const b64url = (v: string | Buffer) => Buffer.from(v).toString('base64url');

interface Measured {
  ops: number;
  opsPerSec: number;
  cpuUsPerOp: number;
}

/** Runs `fn(i)` until `max` calls or `ms` elapse (checking the clock every 64 calls). */
async function measure(max: number, ms: number, fn: (i: number) => unknown | Promise<unknown>, isAsync: boolean): Promise<Measured> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let i = 0;
  while (i < max) {
    if (isAsync) await fn(i);
    else fn(i);
    i++;
    if ((i & 63) === 0 && performance.now() - t0 > ms) break;
  }
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { ops: i, opsPerSec: i / (wall / 1000), cpuUsPerOp: (c.user + c.system) / i };
}

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const kid = 'bench-key';
const jwk = { ...(publicKey.export({ format: 'jwk' }) as Record<string, unknown>), kid, alg: 'ES256', use: 'sig' };
const signer: KeyObject = createPrivateKey({ key: privateKey.export({ format: 'jwk' }) as never, format: 'jwk' });

function token(i: number): string {
  const iat = Math.floor(Date.now() / 1000);
  const h = b64url(JSON.stringify({ alg: 'ES256', typ: 'at+jwt', kid }));
  const p = b64url(
    JSON.stringify({ iss: ISSUER, sub: 'dev-user', aud: RESOURCE, client_id: 'my-agent', scope: 'read write', jti: `jti-${i.toString(36).padStart(20, '0')}`, iat, nbf: iat, exp: iat + 900 }),
  );
  const input = `${h}.${p}`;
  return `${input}.${b64url(cryptoSign('sha256', Buffer.from(input), { key: signer, dsaEncoding: 'ieee-p1363' }))}`;
}

// ---- floor: one ES256 signature ----------------------------------------------------------------
const sample = token(0);
const signingInput = Buffer.from(sample.slice(0, sample.lastIndexOf('.')));
for (let i = 0; i < 2000; i++) cryptoSign('sha256', signingInput, { key: signer, dsaEncoding: 'ieee-p1363' });
const sign = await measure(200_000, MS, () => cryptoSign('sha256', signingInput, { key: signer, dsaEncoding: 'ieee-p1363' }), false);

// ---- SDK ---------------------------------------------------------------------------------------
const FRESH = 20_000;
const tokens = Array.from({ length: FRESH }, (_, i) => token(i + 1));
const metadata = { issuer: ISSUER, jwks_uri: `${ISSUER}/.well-known/jwks.json`, authorization_endpoint: `${ISSUER}/oauth/authorize`, token_endpoint: `${ISSUER}/oauth/token` };
const json = (body: unknown, headers: Record<string, string> = {}) => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json', ...headers } });
const fetchStub = async (input: string | URL | Request) => {
  const url = String(input instanceof Request ? input.url : input);
  if (url.endsWith('/.well-known/jwks.json')) return json({ keys: [jwk] }, { 'cache-control': 'max-age=300' });
  if (url.includes('/.well-known/')) return json(metadata);
  return new Response('not found', { status: 404 });
};
const verifier = createResourceVerifier({ issuer: ISSUER, resource: RESOURCE, scopes: ['read'], fetch: fetchStub as never });
await verifier.warmUp();
const jwks = createLocalJWKSet({ keys: [jwk as never] });
const joseOpts = { issuer: ISSUER, audience: RESOURCE, typ: 'at+jwt', algorithms: ['ES256'] };

// Warm-up on tokens not used in the timed loops.
const warm = Array.from({ length: 2000 }, (_, i) => token(FRESH + 1 + i));
for (const t of warm) await verifier.verify(t);
for (const t of warm) await jwtVerify(t, jwks, joseOpts);
verifier.clearCache();

// Fresh tokens: each verified once (the cache never hits; it holds 10,000, so it also evicts).
const fresh = await measure(FRESH, MS, (i) => verifier.verify(tokens[i]!), true);
const joseFresh = await measure(FRESH, MS, (i) => jwtVerify(tokens[FRESH - 1 - i]!, jwks, joseOpts), true);
const repeatedToken = tokens[0]!;
await verifier.verify(repeatedToken);
const repeated = await measure(5_000_000, MS, () => verifier.verify(repeatedToken), true);
const joseRepeated = await measure(FRESH, MS, () => jwtVerify(repeatedToken, jwks, joseOpts), true);

process.stdout.write(
  `${JSON.stringify({
    floor: { es256SignUs: sign.cpuUsPerOp, es256SignsPerSec: sign.opsPerSec },
    sdk: { fresh, repeated, joseFresh, joseRepeated },
  })}\n`,
);
