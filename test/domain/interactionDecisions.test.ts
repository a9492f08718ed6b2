/**
 * One decision, whoever makes it: `--consent auto` approves through the same decision as a click
 * on the consent page, so the audit trail records `consent.decided` for both, in one shape.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEvent } from '../../server/contracts';
import { authorize, authorizationUrl, codeFlow, discover } from '../helpers/oauthClient';
import { seedSingleMcp, startTestServer, type TestServer } from '../helpers/server';

const RES = 'http://127.0.0.1:3001/mcp';
let auto: TestServer;
let prompt: TestServer;

beforeAll(async () => {
  auto = await startTestServer({ consent: 'auto' });
  prompt = await startTestServer({ consent: 'prompt' });
  await seedSingleMcp(auto);
  await seedSingleMcp(prompt);
});
afterAll(async () => {
  await auto?.stop();
  await prompt?.stop();
});

async function audit(s: TestServer, type: string): Promise<AppEvent[]> {
  const res = await s.admin(`/audit?type=${type}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { events: AppEvent[] }).events;
}

/** Approves through the browser consent page, as a person clicking Approve. */
async function clickApprove(s: TestServer, scope: string): Promise<URL> {
  const { url } = await authorizationUrl(await discover(s.issuer), { issuer: s.issuer, clientId: 'my-agent', scope, resource: RES, state: 'st' });
  const start = await fetch(url, { redirect: 'manual', headers: { accept: 'text/html' } });
  const page = await s.fetch(start.headers.get('location')!, { headers: { accept: 'text/html' } });
  const html = await page.text();
  const form = new URLSearchParams({ interaction: /name="interaction" value="([^"]+)"/.exec(html)![1]!, csrf: /name="csrf" value="([^"]+)"/.exec(html)![1]!, action: 'approve', sub: 'dev-user' });
  for (const x of scope.split(' ')) form.append('scope', x);
  const res = await s.fetch('/consent', { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', cookie: page.headers.get('set-cookie')!.split(';')[0]! }, body: form });
  expect(res.status).toBe(303);
  return new URL(res.headers.get('location')!);
}

describe('consent decisions', () => {
  it('--consent auto emits consent.decided with the same shape as a clicked approval', async () => {
    const clicked = await clickApprove(prompt, 'read write');
    expect(clicked.searchParams.get('code')).toBeTruthy();
    const [byPerson] = await audit(prompt, 'consent.decided');

    const { tokens } = await codeFlow({ issuer: auto.issuer, clientId: 'my-agent', scope: 'read write', resource: RES });
    expect(tokens.access_token).toBeTruthy();
    const decided = await audit(auto, 'consent.decided');
    expect(decided).toHaveLength(1);
    const byAuto = decided[0]!;

    expect(byPerson!.data).toEqual({ uid: expect.any(String), action: 'approve', sub: 'dev-user', scopes: ['read', 'write'] });
    expect(byAuto.data).toEqual({ uid: expect.any(String), action: 'approve', sub: 'dev-user', scopes: ['read', 'write'] });
    expect(Object.keys(byAuto.data).sort()).toEqual(Object.keys(byPerson!.data).sort());
    // Nobody was asked: no prompt opened for the auto decision, so the window never shows one.
    expect(await audit(auto, 'consent.pending')).toEqual([]);
  });

  it('--consent auto records the grant once and decides every authorization', async () => {
    await codeFlow({ issuer: auto.issuer, clientId: 'my-agent', scope: 'read', resource: RES });
    const decided = await audit(auto, 'consent.decided');
    expect(decided.length).toBeGreaterThanOrEqual(2);
    expect(decided[0]!.data).toMatchObject({ action: 'approve', sub: 'dev-user', scopes: ['read'] });
    expect(new Set(decided.map((e) => (e.data as { uid: string }).uid)).size).toBe(decided.length);
    // The first flow granted read and write: the second one adds nothing, so nothing is rewritten.
    expect(await audit(auto, 'consent.granted')).toHaveLength(1);
  });

  it('--consent auto refuses to approve as a user that no longer exists, like a click would', async () => {
    const s = await startTestServer({ consent: 'auto', user: 'ghost' });
    try {
      await seedSingleMcp(s);
      await s.services.users.delete('ghost');
      const { callback } = await authorize(await discover(s.issuer), { issuer: s.issuer, clientId: 'my-agent', scope: 'read', resource: RES, state: 'st' });
      expect(Object.fromEntries(callback.searchParams)).toEqual({
        error: 'invalid_request',
        error_description: 'user "ghost" does not exist; create it with `authserver admin user create --sub ghost`',
        state: 'st',
        iss: s.issuer,
      });
      expect(await audit(s, 'consent.decided')).toEqual([]);
    } finally {
      await s.stop();
    }
  });
});
