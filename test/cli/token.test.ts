/**
 * `authserver admin token mint` as a child process, both ways it reaches the state: the data dir
 * directly (no server) and a running server's admin API.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from '../helpers/oauthClient';
import { cliSuite, tempDir, type ServeProcess } from './helpers';

const SEED = 'resources/seeds/single-mcp.yaml';
const URI = 'http://127.0.0.1:3001/mcp';
const { cmd, serve } = cliSuite();

const jwtOf = (stdout: string) => {
  expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
  return decodeJwt(stdout.trim());
};

describe('without a server (the data dir directly)', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await tempDir();
    expect(await cmd(['seed', 'apply', SEED, '--data-dir', dir])).toMatchObject({ code: 0 });
  }, 60_000);

  it('prints a JWT signed by the current published key, for the resource, with every scope', async () => {
    const r = await cmd(['admin', 'token', 'mint', '--resource', 'mcp-a', '--data-dir', dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { header, payload } = jwtOf(r.stdout);
    const keys = JSON.parse((await cmd(['admin', 'key', 'list', '--json', '--data-dir', dir])).stdout) as { kid: string; status: string }[];
    expect(header).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: keys.find((k) => k.status === 'current')!.kid });
    expect(payload).toMatchObject({ aud: [URI], scope: 'read write', client_id: 'authplane-test-token' });
  });

  it('--expired --json: the minter\'s object, exp an hour ago; --sub, --scope and typed --claim values land in the payload', async () => {
    const r = await cmd(['admin', 'token', 'mint', '--resource', URI, '--expired', '--sub', 'alice', '--scope', 'read', '--claim', 'tenant=acme', '--claim', 'admin=true', '--claim', 'n=3', '--json', '--data-dir', dir]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ token_type: 'Bearer', aud: URI, scope: 'read', unknown_key: false, test_only: true });
    expect(out.exp).toBeLessThan(Date.now() / 1000 - 3500);
    expect(decodeJwt(out.access_token).payload).toMatchObject({ sub: 'alice', scope: 'read', tenant: 'acme', admin: true, n: 3, exp: out.exp });
  });

  it('--not-before and --expires-in take durations; --aud replaces the audience', async () => {
    const r = await cmd(['admin', 'token', 'mint', '--resource', 'mcp-a', '--not-before', '10m', '--expires-in', '5s', '--aud', 'http://127.0.0.1:1/other', '--json', '--data-dir', dir]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.nbf - out.iat).toBe(600);
    expect(out.exp - out.nbf).toBe(5);
    expect(decodeJwt(out.access_token).payload.aud).toEqual(['http://127.0.0.1:1/other']);
  });

  it('--unknown-key signs with a kid that no key list shows, and stores nothing', async () => {
    const before = (await cmd(['admin', 'key', 'list', '--json', '--data-dir', dir])).stdout;
    const r = await cmd(['admin', 'token', 'mint', '--resource', 'mcp-a', '--unknown-key', '--data-dir', dir]);
    expect(r.code).toBe(0);
    const kid = jwtOf(r.stdout).header.kid as string;
    expect(kid).toMatch(/^unpublished-/);
    expect((await cmd(['admin', 'key', 'list', '--json', '--data-dir', dir])).stdout).toBe(before);
  });

  it('test tokens are not grants: the issuance log stays empty', async () => {
    const r = await cmd(['admin', 'issuance', 'list', '--json', '--data-dir', dir]);
    expect(JSON.parse(r.stdout)).toEqual({ issuances: [], next_cursor: null });
  });

  it('usage errors exit 2, refused input exits 1, each with one clear line', async () => {
    const both = await cmd(['admin', 'token', 'mint', '--resource', 'mcp-a', '--expired', '--not-before', '5m', '--data-dir', dir]);
    expect(both).toEqual({ code: 2, stdout: '', stderr: 'authserver token mint: --expired and --not-before contradict each other: pass one\n' });
    const badDuration = await cmd(['admin', 'token', 'mint', '--resource', 'mcp-a', '--expires-in', 'soon', '--data-dir', dir]);
    expect(badDuration).toEqual({ code: 2, stdout: '', stderr: 'authserver token mint: --expires-in "soon": expected seconds or a duration like 90s, 15m, 2h, 7d\n' });
    const badClaim = await cmd(['admin', 'token', 'mint', '--resource', 'mcp-a', '--claim', 'novalue', '--data-dir', dir]);
    expect(badClaim).toEqual({ code: 2, stdout: '', stderr: 'authserver token mint: --claim "novalue": expected name=value\n' });
    const reserved = await cmd(['admin', 'token', 'mint', '--resource', 'mcp-a', '--claim', 'exp=1', '--data-dir', dir]);
    expect(reserved).toEqual({ code: 1, stdout: '', stderr: 'authserver token mint: claims.exp: "exp" is set by the minter: use expires_in or expired (--expires-in, --expired) instead\n' });
    const missing = await cmd(['admin', 'token', 'mint', '--resource', 'nope', '--data-dir', dir]);
    expect(missing).toEqual({ code: 1, stdout: '', stderr: 'authserver token mint: resource "nope" not found\n' });
  });

  it('--help says test tokens are not grants', async () => {
    const r = await cmd(['admin', 'token', 'mint', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('It is NOT a grant: no issuance row, no refresh family');
    for (const flag of ['--resource', '--sub', '--scope', '--expires-in', '--expired', '--not-before', '--aud', '--unknown-key', '--claim', '--json']) expect(r.stdout).toContain(flag);
  });
});

describe('through a running server', () => {
  let s: ServeProcess;
  let dir = '';
  beforeAll(async () => {
    dir = await tempDir();
    s = await serve(['--port', '0', '--data-dir', dir, '--seed', SEED, '--log-level', 'error']);
  }, 60_000);

  it('signs with the server\'s key and issuer; an --unknown-key kid is not in its JWKS', async () => {
    const r = await cmd(['admin', 'token', 'mint', '--resource', 'mcp-a', '--data-dir', dir]);
    expect(r.code).toBe(0);
    const { header, payload } = jwtOf(r.stdout);
    expect(payload.iss).toBe(s.issuer);
    const jwks = (await (await fetch(`${s.issuer}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
    expect(jwks.keys.map((k) => k.kid)).toContain(header.kid);
    const unknown = await cmd(['admin', 'token', 'mint', '--resource', 'mcp-a', '--unknown-key', '--data-dir', dir]);
    expect(unknown.code).toBe(0);
    const kid = jwtOf(unknown.stdout).header.kid;
    const after = (await (await fetch(`${s.issuer}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
    expect(after.keys.map((k) => k.kid)).not.toContain(kid);
  });
});
