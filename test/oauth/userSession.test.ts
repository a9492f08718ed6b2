/**
 * A remembered consent applies to the user who gave it: the browser is identified by the sealed
 * `authplane_user_<port>` cookie set when it approves (server/oauth/userSession.ts). Real server,
 * consent prompt, the browser's cookie jar kept by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizationUrl, decodeJwt, discover, postForm } from '../helpers/oauthClient';
import { seedSingleMcp, startTestServer, type TestServer } from '../helpers/server';

const CB = 'http://127.0.0.1:8765/callback';
const RES = 'http://127.0.0.1:3001/mcp';
let s: TestServer;
let other: TestServer;
let cookieName: string;

beforeAll(async () => {
  s = await startTestServer({ consent: 'prompt' });
  await seedSingleMcp(s);
  await s.services.users.create({ sub: 'alice', name: 'Alice' });
  await s.services.users.create({ sub: 'bob', name: 'Bob' });
  cookieName = `authplane_user_${new URL(s.issuer).port}`;
  other = await startTestServer({ consent: 'prompt' });
});
afterAll(async () => {
  await s.stop();
  await other.stop();
});

/** GET /oauth/authorize as a browser holding `cookie`; the code's token when the page was skipped. */
async function authorizeAs(cookie: string | undefined, clientId = 'my-agent', scope = 'read') {
  const as = await discover(s.issuer);
  const { url, verifier } = await authorizationUrl(as, { issuer: s.issuer, clientId, scope, resource: RES });
  const res = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  expect(res.status).toBe(303);
  const location = res.headers.get('location')!;
  if (location.startsWith('/consent')) return { prompted: true as const, location };
  const code = new URL(location).searchParams.get('code')!;
  const t = await postForm(`${s.issuer}/oauth/token`, { grant_type: 'authorization_code', code, code_verifier: verifier, client_id: clientId, redirect_uri: CB });
  expect(t.status).toBe(200);
  return { prompted: false as const, sub: decodeJwt(t.json.access_token as string).payload.sub };
}

/** Approves the prompt at `location` as `sub`; returns the user cookie the response set. */
async function approveAs(location: string, sub: string, browserCookie?: string) {
  const page = await s.fetch(location, { headers: { accept: 'text/html', ...(browserCookie ? { cookie: browserCookie } : {}) } });
  const html = await page.text();
  const csrfCookie = page.headers.get('set-cookie')!.split(';')[0]!;
  const csrf = /name="csrf" value="([^"]+)"/.exec(html)![1]!;
  const uid = /name="interaction" value="([^"]+)"/.exec(html)![1]!;
  const body = new URLSearchParams({ interaction: uid, csrf, action: 'approve', scope: 'read', sub });
  const res = await s.fetch('/consent', { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: [csrfCookie, browserCookie].filter(Boolean).join('; ') }, body });
  expect(res.status).toBe(303);
  const set = res.headers.getSetCookie().find((c) => c.startsWith(`${cookieName}=`));
  return { setCookie: set!, cookie: set!.split(';')[0]! };
}

describe('remembered consent per browser user', () => {
  it('sets a sealed, HttpOnly, SameSite=Lax user cookie named for the port when a user approves', async () => {
    const first = await authorizeAs(undefined);
    expect(first.prompted).toBe(true);
    const { setCookie, cookie } = await approveAs((first as { location: string }).location, 'alice');
    expect(setCookie).toMatch(/; path=\//i);
    expect(setCookie).toMatch(/; samesite=lax/i);
    expect(setCookie).toMatch(/; httponly/i);
    expect(cookie).not.toContain('alice');
  });

  it("skips the prompt for the user who consented and issues the code for that user, not the default user", async () => {
    const first = await authorizeAs(undefined);
    const { cookie } = await approveAs((first as { location: string }).location, 'alice');
    expect(s.services.consents.covers('dev-user', 'my-agent', 'mcp-a', ['read'])).toBe(false);
    expect(await authorizeAs(cookie)).toEqual({ prompted: false, sub: 'alice' });
    // A browser that never approved is the default user, who has not consented: asked.
    expect((await authorizeAs(undefined)).prompted).toBe(true);
  });

  it('preselects the browser\'s user under "Approve as" when it is asked again', async () => {
    const first = await authorizeAs(undefined);
    const { cookie } = await approveAs((first as { location: string }).location, 'alice');
    const as = await discover(s.issuer);
    const { url } = await authorizationUrl(as, { issuer: s.issuer, clientId: 'my-agent', scope: 'read', resource: RES });
    url.searchParams.set('prompt', 'consent');
    const location = (await fetch(url, { redirect: 'manual', headers: { cookie } })).headers.get('location')!;
    const html = await (await s.fetch(location, { headers: { accept: 'text/html', cookie } })).text();
    expect(html).toContain('<option value="alice" selected>Alice (alice)</option>');
    expect(html).not.toContain('<option value="dev-user" selected>');
  });

  it("never lets one user's browser ride on another user's consent", async () => {
    const client = await s.services.clients.create({ client_name: 'agent-2', client_id: 'agent-2', redirect_uris: [CB], grant_types: ['authorization_code', 'refresh_token'], token_endpoint_auth_method: 'none' });
    await s.services.consents.record('dev-user', client.client_id, 'mcp-a', ['read']);
    const first = await authorizeAs(undefined, 'my-agent');
    const { cookie } = await approveAs((first as { location: string }).location, 'bob');
    // dev-user consented to agent-2; bob (this browser) did not: bob is asked, no code for dev-user.
    expect((await authorizeAs(cookie, 'agent-2')).prompted).toBe(true);
    expect(await authorizeAs(undefined, 'agent-2')).toEqual({ prompted: false, sub: 'dev-user' });
  });

  it('treats a forged cookie, one from another AuthPlane, or one for a deleted user as the default user', async () => {
    const carol = await s.services.users.create({ sub: 'carol', name: 'Carol' });
    const first = await authorizeAs(undefined);
    const { cookie } = await approveAs((first as { location: string }).location, carol.sub);
    expect(await authorizeAs(cookie)).toEqual({ prompted: false, sub: 'carol' });
    await s.services.consents.record('dev-user', 'my-agent', 'mcp-a', ['read']);
    expect(await authorizeAs(`${cookieName}=alice`)).toEqual({ prompted: false, sub: 'dev-user' });
    // Sealed by another server's secret: does not open here.
    await seedSingleMcp(other);
    await other.services.users.create({ sub: 'alice', name: 'Alice' });
    const foreign = await (async () => {
      const as = await discover(other.issuer);
      const { url } = await authorizationUrl(as, { issuer: other.issuer, clientId: 'my-agent', scope: 'read', resource: RES });
      const location = (await fetch(url, { redirect: 'manual' })).headers.get('location')!;
      const page = await other.fetch(location, { headers: { accept: 'text/html' } });
      const html = await page.text();
      const body = new URLSearchParams({ interaction: /name="interaction" value="([^"]+)"/.exec(html)![1]!, csrf: /name="csrf" value="([^"]+)"/.exec(html)![1]!, action: 'approve', scope: 'read', sub: 'alice' });
      const res = await other.fetch('/consent', { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: page.headers.get('set-cookie')!.split(';')[0]! }, body });
      return res.headers.getSetCookie().find((c) => c.startsWith('authplane_user_'))!.split(';')[0]!.split('=')[1]!;
    })();
    expect(await authorizeAs(`${cookieName}=${foreign}`)).toEqual({ prompted: false, sub: 'dev-user' });
    await s.services.users.delete(carol.sub);
    expect(await authorizeAs(cookie)).toEqual({ prompted: false, sub: 'dev-user' });
  });
});
