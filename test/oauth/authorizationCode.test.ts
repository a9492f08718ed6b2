/** grant_type=authorization_code against the real server: a code lives 10 minutes, as in the product. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../server/clock';
import { authorize, discover, postForm } from '../helpers/oauthClient';
import { seedSingleMcp, startTestServer, type TestServer } from '../helpers/server';

const CB = 'http://127.0.0.1:8765/callback';
const RES = 'http://127.0.0.1:3001/mcp';
const clock = fixedClock(Date.now());
let s: TestServer;

beforeAll(async () => {
  s = await startTestServer({ clock });
  await seedSingleMcp(s);
});
afterAll(() => s.stop());

async function codeAfter(ms: number) {
  const as = await discover(s.issuer);
  const { callback, verifier } = await authorize(as, { issuer: s.issuer, clientId: 'my-agent', scope: 'read', resource: RES });
  clock.advance(ms);
  return postForm(`${s.issuer}/oauth/token`, { grant_type: 'authorization_code', code: callback.searchParams.get('code')!, code_verifier: verifier, client_id: 'my-agent', redirect_uri: CB });
}

describe('authorization code lifetime', () => {
  it('redeems a code 9 min 59 s after it was issued', async () => {
    const r = await codeAfter(599_000);
    expect(r.status).toBe(200);
    expect(r.json.token_type).toBe('Bearer');
  });

  it('refuses it once 10 minutes have passed, saying how long codes live', async () => {
    const r = await codeAfter(600_000);
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ error: 'invalid_grant', error_description: 'the authorization code has expired; codes live 600 s' });
  });
});
