/** POST /admin/api/tokens/mint-test: test-only tokens that are real at+jwt with exactly one thing wrong. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createResourceVerifier, InvalidTokenError } from '../../server/sdk';
import { decodeJwt } from '../helpers/oauthClient';
import { seedSingleMcp, startTestServer, type TestServer } from '../helpers/server';

let s: TestServer;
const URI = 'http://127.0.0.1:3001/mcp';

beforeAll(async () => {
  s = await startTestServer();
  await seedSingleMcp(s, URI);
});
afterAll(async () => {
  await s?.stop();
});

const mint = (body: unknown, headers: Record<string, string> = {}) => s.admin('/tokens/mint-test', { method: 'POST', body: JSON.stringify(body), headers });

describe('test-only tokens', () => {
  it('expired: signed by the server, right iss/aud/typ, exp an hour ago; the SDK verifier refuses it as expired', async () => {
    const res = await mint({ resource: 'mcp-a', kind: 'expired' });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ token_type: 'Bearer', kind: 'expired', aud: URI, test_only: true });
    const { header, payload } = decodeJwt(body.access_token);
    expect(header).toMatchObject({ typ: 'at+jwt', alg: 'ES256' });
    expect(payload).toMatchObject({ iss: s.issuer, aud: [URI], sub: 'dev-user', client_id: 'authplane-doctor', scope: 'read write' });
    expect(payload.exp).toBeLessThan(Date.now() / 1000 - 3500);
    const v = createResourceVerifier({ issuer: s.issuer, resource: URI });
    await expect(v.verify(body.access_token)).rejects.toThrow(/expired/);
  });

  it('wrong_audience: an unregistered URI on the resource origin; the SDK verifier refuses the aud', async () => {
    const body = await (await mint({ resource: URI, kind: 'wrong_audience', client_id: 'someone' })).json();
    expect(body.aud).toMatch(/^http:\/\/127\.0\.0\.1:3001\/authplane-test-wrong-audience-/);
    expect(s.services.resources.list().some((r) => r.uri === body.aud)).toBe(false);
    expect(decodeJwt(body.access_token).payload).toMatchObject({ aud: [body.aud], client_id: 'someone' });
    const v = createResourceVerifier({ issuer: s.issuer, resource: URI });
    const err = await v.verify(body.access_token).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidTokenError);
    expect((err as Error).message).toMatch(/aud/);
  });

  it('leaves no issuance rows', async () => {
    const page = await (await s.admin('/issuances')).json();
    expect(page.issuances).toHaveLength(0);
  });

  it('needs the admin token, a known resource and a known kind', async () => {
    const anon = await fetch(`${s.issuer}/admin/api/tokens/mint-test`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ resource: 'mcp-a', kind: 'expired' }) });
    expect(anon.status).toBe(401);
    expect((await mint({ resource: 'nope', kind: 'expired' })).status).toBe(404);
    expect((await mint({ resource: 'mcp-a', kind: 'valid' })).status).toBe(400);
    expect((await mint({ resource: 'mcp-a', kind: 'expired', exp: 1 })).status).toBe(400);
  });
});
