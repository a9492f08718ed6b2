import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizationUrl, discover } from '../helpers/oauthClient';
import { seedSingleMcp, startTestServer, type TestServer } from '../helpers/server';

let s: TestServer;
const RES = 'http://127.0.0.1:3001/mcp';

beforeAll(async () => {
  s = await startTestServer({ consent: 'prompt' });
  await seedSingleMcp(s);
  await s.services.users.create({ sub: 'alice', name: 'Alice' });
});
afterAll(() => s.stop());

async function openConsent(extra: Record<string, string> = {}) {
  const as = await discover(s.issuer);
  const { url } = await authorizationUrl(as, { issuer: s.issuer, clientId: 'my-agent', scope: 'read write', resource: RES, state: 'st' });
  for (const [k, v] of Object.entries(extra)) url.searchParams.set(k, v);
  const res = await fetch(url, { redirect: 'manual', headers: { accept: 'text/html' } });
  expect(res.status).toBe(303);
  const consentPath = res.headers.get('location')!;
  expect(consentPath).toMatch(/^\/consent\?interaction=/);
  const page = await s.fetch(consentPath, { headers: { accept: 'text/html' } });
  const html = await page.text();
  const cookie = page.headers.get('set-cookie')!.split(';')[0]!;
  const csrf = /name="csrf" value="([^"]+)"/.exec(html)![1]!;
  const uid = /name="interaction" value="([^"]+)"/.exec(html)![1]!;
  return { page, html, cookie, csrf, uid };
}

const post = (form: Record<string, string | string[]>, headers: Record<string, string>) => {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
  return s.fetch('/consent', { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', ...headers }, body });
};

describe('consent page', () => {
  it('shows who, which agent, which resource and which scopes, unframeable', async () => {
    const { page, html } = await openConsent();
    expect(html).toContain('<strong>my-agent</strong> wants access to <strong>MCP A</strong>');
    expect(html).toContain('mcp-a · http://127.0.0.1:3001/mcp');
    expect(html).toContain('value="read" checked');
    expect(html).toContain('value="write" checked');
    expect(html).toContain('<option value="alice">Alice (alice)</option>');
    expect(html).toMatch(/<button type="submit" name="action" value="approve" class="primary">Approve<\/button>/);
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('set-cookie')).toMatch(/samesite=strict/i);
  });

  it('approves narrowed scopes as the chosen user and redirects with the code', async () => {
    const { cookie, csrf, uid } = await openConsent();
    const res = await post({ interaction: uid, csrf, action: 'approve', scope: ['read'], sub: 'alice' }, { cookie });
    expect(res.status).toBe(303);
    const cb = new URL(res.headers.get('location')!);
    expect(cb.searchParams.get('code')).toBeTruthy();
    expect(cb.searchParams.get('state')).toBe('st');
    expect(cb.searchParams.get('iss')).toBe(s.issuer);
    expect(s.services.consents.find('alice', 'my-agent', 'mcp-a')?.scopes).toEqual(['read']);
  });

  it('deny redirects with access_denied', async () => {
    const { cookie, csrf, uid } = await openConsent();
    const res = await post({ interaction: uid, csrf, action: 'deny' }, { cookie });
    const cb = new URL(res.headers.get('location')!);
    expect([cb.searchParams.get('error'), cb.searchParams.get('state')]).toEqual(['access_denied', 'st']);
  });

  it('refuses a post without the cookie, with a wrong token, or from another origin', async () => {
    const { cookie, csrf, uid } = await openConsent();
    expect((await post({ interaction: uid, csrf, action: 'approve', scope: 'read' }, {})).status).toBe(403);
    expect((await post({ interaction: uid, csrf: 'x', action: 'approve', scope: 'read' }, { cookie })).status).toBe(403);
    const cross = await post({ interaction: uid, csrf, action: 'approve', scope: 'read' }, { cookie, origin: 'http://127.0.0.1:5555' });
    expect(cross.status).toBe(403);
    expect(await cross.text()).toContain('cannot be posted from another origin');
  });

  it('refuses an approval with no scope ticked', async () => {
    const { cookie, csrf, uid } = await openConsent();
    const res = await post({ interaction: uid, csrf, action: 'approve' }, { cookie });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('No Permissions Selected');
  });

  it('skips the page when a remembered consent covers the request, unless prompt=consent', async () => {
    const first = await openConsent();
    await post({ interaction: first.uid, csrf: first.csrf, action: 'approve', scope: ['read', 'write'], sub: 'dev-user' }, { cookie: first.cookie });
    const as = await discover(s.issuer);
    const { url } = await authorizationUrl(as, { issuer: s.issuer, clientId: 'my-agent', scope: 'read', resource: RES });
    const res = await fetch(url, { redirect: 'manual' });
    expect(new URL(res.headers.get('location')!, s.issuer).searchParams.get('code')).toBeTruthy();
    url.searchParams.set('prompt', 'consent');
    const again = await fetch(url, { redirect: 'manual' });
    expect(again.headers.get('location')).toMatch(/^\/consent\?interaction=/);
  });

  it('a decision made elsewhere (desktop window) releases the waiting page', async () => {
    const { uid, cookie } = await openConsent({ prompt: 'consent' });
    const waiting = s.fetch(`/consent/wait?interaction=${uid}`, { headers: { cookie } }).then((r) => r.json());
    await new Promise((r) => setTimeout(r, 50));
    const { redirect } = await s.services.decisions.decide(uid, { action: 'approve', scopes: ['read'] });
    expect(await waiting).toEqual({ redirect });
    expect(new URL(redirect).searchParams.get('code')).toBeTruthy();
  });
});
