/**
 * /consent/wait knows who waits on a prompt (the consent page, `authserver connect`), and a prompt
 * nobody will come back to is marked stale: its waiter left, or its client finished another
 * authorization at the same redirect. The window shows both (PendingInteraction.waiting, .stale).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEvent } from '../../server/contracts';
import { authorizationUrl, discover } from '../helpers/oauthClient';
import { seedSingleMcp, startTestServer, type TestServer } from '../helpers/server';
import { until } from '../helpers/until';

let s: TestServer;
const RES = 'http://127.0.0.1:3001/mcp';
const events: AppEvent[] = [];

beforeAll(async () => {
  s = await startTestServer({ consent: 'prompt', consentWaiterGrace: 0 });
  await seedSingleMcp(s);
  s.services.deps.events.subscribe((e) => events.push(e));
});
afterAll(() => s.stop());

async function startPrompt(): Promise<string> {
  const as = await discover(s.issuer);
  const { url } = await authorizationUrl(as, { issuer: s.issuer, clientId: 'my-agent', scope: 'read', resource: RES, state: 'st' });
  // Earlier approvals are remembered: prompt=consent asks again.
  url.searchParams.set('prompt', 'consent');
  const res = await fetch(url, { redirect: 'manual' });
  expect(res.status).toBe(303);
  return new URL(res.headers.get('location')!, s.issuer).searchParams.get('interaction')!;
}

const view = (uid: string) => s.services.interactions.listPending().find((p) => p.uid === uid);
const updates = (uid: string) => events.flatMap((e) => (e.type === 'consent.updated' && e.data.interaction.uid === uid ? [e.data.interaction] : []));

describe('/consent/wait waiters', () => {
  it('a new prompt has nobody waiting yet and is not stale', async () => {
    const uid = await startPrompt();
    expect(view(uid)).toMatchObject({ waiting: [] });
    expect(view(uid)!.stale).toBeUndefined();
  });

  it('an unknown waiter kind is an invalid_request, not a 5xx', async () => {
    const uid = await startPrompt();
    const res = await s.fetch(`/consent/wait?waiter=robot&interaction=${uid}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'invalid_request', error_description: 'waiter must be "browser" or "cli"' });
  });

  it('shows who waits while they wait, and marks the prompt abandoned when they leave', async () => {
    const uid = await startPrompt();
    const ac = new AbortController();
    const polling = s.fetch(`/consent/wait?waiter=cli&interaction=${uid}`, { signal: ac.signal }).catch(() => undefined);
    await until(() => view(uid)?.waiting.includes('cli'), 'the cli waiter to show');
    expect(view(uid)).toMatchObject({ waiting: ['cli'] });
    expect(updates(uid)).toContainEqual(expect.objectContaining({ waiting: ['cli'] }));
    ac.abort();
    await polling;
    await until(() => view(uid)?.stale, 'the prompt to go stale');
    expect(view(uid)).toMatchObject({ waiting: [], stale: 'abandoned' });
    expect(updates(uid).at(-1)).toMatchObject({ waiting: [], stale: 'abandoned' });
    // The page comes back (a reloaded tab): no longer stale.
    const ac2 = new AbortController();
    const again = s.fetch(`/consent/wait?interaction=${uid}`, { signal: ac2.signal }).catch(() => undefined);
    await until(() => view(uid)?.waiting.includes('browser'), 'the browser waiter to show');
    expect(view(uid)!.stale).toBeUndefined();
    ac2.abort();
    await again;
  });

  it('a decision wakes the waiter with the redirect, and the prompt leaves the queue', async () => {
    const uid = await startPrompt();
    const polling = s.fetch(`/consent/wait?waiter=cli&interaction=${uid}`).then((r) => r.json());
    await until(() => view(uid)?.waiting.includes('cli'), 'the cli waiter to show');
    const { redirect } = await s.services.decisions.decide(uid, { action: 'approve' });
    expect(await polling).toEqual({ redirect });
    expect(view(uid)).toBeUndefined();
  });

  it("when the client finishes another authorization at the same redirect, its older prompts are superseded", async () => {
    const older = await startPrompt();
    const newer = await startPrompt();
    await s.services.decisions.decide(newer, { action: 'approve' });
    expect(view(older)).toMatchObject({ stale: 'superseded' });
    expect(updates(older).at(-1)).toMatchObject({ uid: older, stale: 'superseded' });
    expect(updates(newer)).toEqual([]);
  });
});
