/** The decoder's logic (renderer/src/lib): decoding, plain-word checks, character diffs, times. */
import { describe, expect, it } from 'vitest';
import type { Resource } from '../../server/contracts';
import { describeDiff, diffChars, editDistance } from '../../renderer/src/lib/diff';
import { checkJwt, decodeJwt, verdict, type CheckContext, type DecodedJwt } from '../../renderer/src/lib/jwt';
import { parseKeyText } from '../../renderer/src/lib/verify';
import { ago, duration, relative } from '../../renderer/src/lib/time';
import { readSse } from '../../renderer/src/api/events';

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const ISSUER = 'http://127.0.0.1:9000';
const NOW = Date.parse('2026-11-26T12:00:00Z');
const s = NOW / 1000;
const resource: Resource = { id: 'r1', slug: 'mcp-a', uri: 'http://127.0.0.1:3001/mcp', backend_kind: 'mint', display_name: 'MCP A', scopes: [{ name: 'read', description: 'Read' }, { name: 'write' }], created_at: '2026-11-26T00:00:00.000Z', updated_at: '2026-11-26T00:00:00.000Z' };
const ctx: CheckContext = { issuer: ISSUER, resources: [resource], now: NOW, signature: { status: 'valid', source: 'jwks', kid: 'k1', alg: 'ES256', keyStatus: 'current' } };
const claims = { iss: ISSUER, sub: 'dev-user', aud: [resource.uri], client_id: 'my-agent', scope: 'read', jti: 'j1', iat: s - 60, nbf: s - 60, exp: s + 720 };
const jwt = (payload: object, header: object = { alg: 'ES256', typ: 'at+jwt', kid: 'k1' }): DecodedJwt => {
  const r = decodeJwt(`${b64(header)}.${b64(payload)}.c2ln`);
  if (!r.ok) throw new Error(r.error);
  return r.jwt;
};
const byId = (checks: ReturnType<typeof checkJwt>, id: string) => checks.find((c) => c.id === id)!;

describe('decodeJwt', () => {
  it('accepts a token with "Bearer " and whitespace around it', () => {
    const r = decodeJwt(`  Bearer ${b64({ alg: 'ES256' })}.${b64({ sub: 'x' })}.sig \n`);
    expect(r.ok && r.jwt.payload).toEqual({ sub: 'x' });
  });
  it('explains what is not a JWT', () => {
    expect(decodeJwt('abc')).toEqual({ ok: false, error: expect.stringMatching(/three parts.*has 1.*Opaque tokens/) });
    expect(decodeJwt('a.b.c.d.e')).toEqual({ ok: false, error: expect.stringMatching(/encrypted token \(JWE/) });
    expect(decodeJwt(`${b64({ alg: 'x' })}.%%%.sig`)).toEqual({ ok: false, error: 'Cannot decode: the payload is not base64url (it contains characters outside A–Z, a–z, 0–9, "-" and "_").' });
    expect(decodeJwt(`${b64({ alg: 'x' })}.${Buffer.from('[1]').toString('base64url')}.s`)).toEqual({ ok: false, error: 'Cannot decode: the payload is not a JSON object.' });
    const bytes = (b: number[]) => Buffer.from(b).toString('base64url');
    expect(decodeJwt(`${b64({ alg: 'x' })}.${bytes([0xff, 0xfe, 0x7b])}.s`)).toEqual({ ok: false, error: 'Cannot decode: the payload is not UTF-8 text.' });
    expect(decodeJwt(`${Buffer.from('{alg').toString('base64url')}.${b64({})}.s`)).toEqual({ ok: false, error: 'Cannot decode: the header is not JSON.' });
    expect(decodeJwt(`${b64('x')}.${b64({})}.s`)).toEqual({ ok: false, error: 'Cannot decode: the header is not a JSON object.' });
    expect(decodeJwt(`${b64({ alg: 'x' })}..s`)).toEqual({ ok: false, error: 'Cannot decode: the payload is empty.' });
    expect(decodeJwt(`${b64({ alg: 'x' })}.abcde.s`)).toEqual({ ok: false, error: 'Cannot decode: the payload is not valid base64url.' });
  });
});

describe('checkJwt', () => {
  it('passes a valid AuthPlane token', () => {
    const checks = checkJwt(jwt(claims), ctx);
    expect(checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(byId(checks, 'aud').title).toBe('Audience is MCP A');
    expect(byId(checks, 'exp').title).toBe('Expires in 12 min');
    expect(byId(checks, 'scope')).toMatchObject({ status: 'pass', title: 'Scopes: read' });
    expect(verdict(checks)).toEqual({ status: 'pass', text: 'Valid: an MCP server protected by AuthPlane will accept this token.' });
  });
  it('flags an expired token with when', () => {
    const c = byId(checkJwt(jwt({ ...claims, iat: s - 7200, exp: s - 3600 }), ctx), 'exp');
    expect(c).toMatchObject({ status: 'fail', title: 'Expired 1 h ago' });
  });
  it('shows which characters of aud differ from the closest registered URI', () => {
    const c = byId(checkJwt(jwt({ ...claims, aud: 'http://127.0.0.1:3001/mcp/' }), ctx), 'aud');
    expect(c.status).toBe('fail');
    expect(c.detail).toContain('an extra “/” at the end');
    expect(c.diff?.parts).toEqual([{ kind: 'same', text: 'http://127.0.0.1:3001/mcp' }, { kind: 'added', text: '/' }]);
    const host = byId(checkJwt(jwt({ ...claims, aud: 'http://localhost:3001/mcp' }), ctx), 'aud');
    expect(host.detail).toContain('“localhost” instead of “127.0.0.1”');
  });
  it('accepts an aud array that contains the URI', () => {
    expect(byId(checkJwt(jwt({ ...claims, aud: ['x', resource.uri] }), ctx), 'aud').status).toBe('pass');
  });
  it('accepts the string form of aud too (tokens from elsewhere, older AuthPlane tokens)', () => {
    expect(byId(checkJwt(jwt({ ...claims, aud: resource.uri }), ctx), 'aud')).toMatchObject({ status: 'pass', title: 'Audience is MCP A' });
    expect(byId(checkJwt(jwt({ ...claims, aud: [] }), ctx), 'aud')).toMatchObject({ status: 'fail', title: 'No audience' });
  });
  it('compares iss byte for byte', () => {
    const c = byId(checkJwt(jwt({ ...claims, iss: `${ISSUER}/` }), ctx), 'iss');
    expect(c).toMatchObject({ status: 'fail', title: 'Issuer differs' });
    expect(c.detail).toContain('an extra “/” at the end');
  });
  it('checks typ, alg, nbf and the scope catalog', () => {
    const checks = checkJwt(jwt({ ...claims, scope: 'read admin', nbf: s + 3600 }, { alg: 'HS256', typ: 'JWT' }), ctx);
    expect(byId(checks, 'typ')).toMatchObject({ status: 'fail', title: 'Type is "JWT", not at+jwt' });
    expect(byId(checks, 'alg').status).toBe('warn');
    expect(byId(checks, 'nbf')).toMatchObject({ status: 'fail', title: 'Not valid yet: starts in 1 h' });
    expect(byId(checks, 'scope')).toMatchObject({ status: 'fail', title: 'Unknown scope: admin' });
    expect(byId(checkJwt(jwt(claims, { alg: 'none' }), ctx), 'alg').status).toBe('fail');
    // A few seconds of clock difference is tolerated.
    expect(byId(checkJwt(jwt({ ...claims, nbf: s + 5 }), ctx), 'nbf').status).toBe('pass');
  });
  it('reports the signature result', () => {
    expect(byId(checkJwt(jwt(claims), { ...ctx, signature: { status: 'no-key', source: 'jwks', reason: 'no key' } }), 'signature')).toMatchObject({ status: 'fail', title: 'No key to verify the signature' });
    const v = verdict(checkJwt(jwt(claims), { ...ctx, signature: { status: 'invalid', source: 'jwks', reason: 'bad' } }));
    expect(v).toEqual({ status: 'fail', text: '1 problem: signature does not verify.' });
  });
});

describe('diff and time helpers', () => {
  it('diffs characters', () => {
    expect(diffChars('abc', 'abc')).toEqual([{ kind: 'same', text: 'abc' }]);
    expect(describeDiff(diffChars('https://a/mcp', 'http://a/mcp'))).toBe('a missing “s”');
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
  it('formats durations and relative times', () => {
    expect(relative(NOW + 12 * 60_000 + 5000, NOW)).toBe('in 12 min');
    expect(relative(NOW - 3 * 3600_000 - 20 * 60_000, NOW)).toBe('3 h 20 min ago');
    expect(relative(NOW + 400, NOW)).toBe('just now');
    expect(duration(2 * 86400_000)).toBe('2 d');
  });
  it('says when something happened, never in the future', () => {
    expect(ago(NOW - 3000, NOW)).toBe('3 s ago');
    expect(ago(NOW - 3 * 3600_000 - 20 * 60_000, NOW)).toBe('3 h 20 min ago');
    // Stamped by the server a moment ahead of this clock (or of a `now` that ticks every few seconds).
    expect(ago(NOW + 3000, NOW)).toBe('just now');
    expect(ago(NOW + 400, NOW)).toBe('just now');
    expect(ago(Number.NaN, NOW)).toBe('');
  });
  it('calls a token issued a few seconds ahead of this clock "issued just now"', () => {
    const c = byId(checkJwt(jwt({ ...claims, iat: s + 3 }), ctx), 'iat');
    expect(c).toMatchObject({ status: 'info', title: 'Issued just now' });
  });
  it('parses pasted keys', () => {
    expect(parseKeyText('{"kty":"EC","crv":"P-256","x":"a","y":"b"}').keys).toHaveLength(1);
    expect(parseKeyText('{"keys":[]}').keys).toEqual([]);
    expect(() => parseKeyText('nope')).toThrow(/not JSON/);
    expect(() => parseKeyText('{"a":1}')).toThrow(/neither a JWK/);
  });
  it('parses server-sent events across chunk boundaries', async () => {
    const got: Array<[string, string]> = [];
    const chunks = ['retry: 2000\n: connected\n\nevent: token.issued\ndata: {"a"', ':1}\r\n\r\n: heartbeat\n\n', 'data: x\ndata: y\n\n'];
    const body = new ReadableStream<Uint8Array<ArrayBuffer>>({
      start(c) {
        for (const t of chunks) c.enqueue(new TextEncoder().encode(t));
        c.close();
      },
    });
    await readSse(body, (t, d) => got.push([t, d]));
    expect(got).toEqual([['token.issued', '{"a":1}'], ['message', 'x\ny']]);
  });
});
