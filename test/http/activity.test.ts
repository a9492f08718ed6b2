/**
 * The activity recorder never changes an answer (issue 10 item 3). A registered redirect URI with
 * `&error=%FF` in its path used to make the recorder's decodeURIComponent throw after the handler
 * had answered: on /oauth/authorize a JSON 500 that still carried the issued code in
 * its Location, on the consent POST Koa's bare "Internal Server Error" without the page's headers,
 * and no activity row either way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/log';
import { redirectErrorOf } from '../../server/http/activity';
import { startTestServer, type TestServer } from '../helpers/server';

const HOSTILE = 'http://127.0.0.1:8765/cb&error=%FF';
const QUERY = 'http://127.0.0.1:8765/cb?from=%FF&error=%FF';
const RES = 'http://127.0.0.1:3001/mcp';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

async function seed(s: TestServer) {
  await s.services.resources.create({ slug: 'mcp-a', uri: RES, display_name: 'MCP A', scopes: [{ name: 'read', description: 'Read' }] });
  await s.services.clients.create({ client_name: 'hostile', client_id: 'hostile', redirect_uris: [HOSTILE, QUERY], grant_types: ['authorization_code'], token_endpoint_auth_method: 'none' });
}

function authorizeQuery(redirectUri = HOSTILE, scope = 'read'): string {
  return new URLSearchParams({ response_type: 'code', client_id: 'hostile', redirect_uri: redirectUri, scope, resource: RES, state: 'st', code_challenge: CHALLENGE, code_challenge_method: 'S256' }).toString();
}

/** The newest activity row for `method path`. */
function row(s: TestServer, method: string, path: string) {
  return s.services.activity.list(50).find((e) => e.method === method && e.path === path);
}

describe('authorize redirects to a redirect URI with `&error=%FF` in it', () => {
  let s: TestServer;
  const warnings: string[] = [];
  beforeAll(async () => {
    s = await startTestServer({ consent: 'auto', log: createLogger({ level: 'warn', write: (l) => warnings.push(l) }) });
    await seed(s);
  });
  afterAll(async () => {
    await s?.stop();
  });

  const expectCodeRedirect = (res: Response) => {
    expect(res.status).toBe(303);
    const loc = res.headers.get('location')!;
    expect(loc.startsWith(`${HOSTILE}?code=`)).toBe(true);
    expect(loc).toContain('&state=st&iss=');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  };

  it('GET: the code redirect, and a success row', async () => {
    const res = await fetch(`${s.issuer}/oauth/authorize?${authorizeQuery()}`, { redirect: 'manual' });
    expectCodeRedirect(res);
    expect(row(s, 'GET', '/oauth/authorize')).toMatchObject({ status: 303, client_id: 'hostile', error: undefined, error_description: undefined });
  });

  it('POST: the same', async () => {
    const res = await fetch(`${s.issuer}/oauth/authorize`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: authorizeQuery() });
    expectCodeRedirect(res);
    expect(row(s, 'POST', '/oauth/authorize')).toMatchObject({ status: 303, client_id: 'hostile', error: undefined });
  });

  it('an error redirect records its own error, not the `error=%FF` of the registered URI', async () => {
    const res = await fetch(`${s.issuer}/oauth/authorize?${authorizeQuery(HOSTILE, 'nope')}`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    const cb = new URL(res.headers.get('location')!);
    expect(cb.searchParams.get('error')).toBe('invalid_scope');
    const r = row(s, 'GET', '/oauth/authorize')!;
    expect(r).toMatchObject({ status: 303, client_id: 'hostile', error: 'invalid_scope' });
    expect(r.error_description).toBe(cb.searchParams.get('error_description'));
  });

  it('a code redirect to a URI whose query has `error=%FF` is recorded as a success', async () => {
    const res = await fetch(`${s.issuer}/oauth/authorize?${authorizeQuery(QUERY)}`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(new URL(res.headers.get('location')!).searchParams.get('code')).toBeTruthy();
    expect(row(s, 'GET', '/oauth/authorize')).toMatchObject({ status: 303, error: undefined });
  });

  it('a row it cannot build is recorded without details and logged; the answer is unchanged', async () => {
    const activity = s.services.activity;
    const original = activity.record.bind(activity);
    let calls = 0;
    activity.record = (entry) => {
      if (calls++ === 0) throw new Error('the ring is broken');
      original(entry);
    };
    try {
      const res = await fetch(`${s.issuer}/oauth/authorize?${authorizeQuery()}`, { redirect: 'manual' });
      expectCodeRedirect(res);
    } finally {
      activity.record = original;
    }
    expect(calls).toBe(2);
    const r = row(s, 'GET', '/oauth/authorize')!;
    expect(r).toMatchObject({ status: 303, warnings: [] });
    expect(r.client_id).toBeUndefined();
    expect(warnings.some((w) => w.startsWith('warn: activity log: could not record GET /oauth/authorize (the ring is broken)'))).toBe(true);
  });
});

describe('the consent POST redirecting to a redirect URI with `&error=%FF` in it', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ consent: 'prompt' });
    await seed(s);
  });
  afterAll(() => s?.stop());

  async function decide(action: 'approve' | 'deny') {
    const start = await s.fetch(`/oauth/authorize?${authorizeQuery()}`, { redirect: 'manual', headers: { accept: 'text/html' } });
    expect(start.status).toBe(303);
    const page = await s.fetch(start.headers.get('location')!, { headers: { accept: 'text/html' } });
    const html = await page.text();
    const cookie = page.headers.get('set-cookie')!.split(';')[0]!;
    const form = new URLSearchParams({ interaction: /name="interaction" value="([^"]+)"/.exec(html)![1]!, csrf: /name="csrf" value="([^"]+)"/.exec(html)![1]!, action, scope: 'read' });
    return s.fetch('/consent', { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', cookie }, body: form });
  }

  // Deny first: an approval is remembered, and the next authorize would skip the page.
  it('deny: the access_denied redirect, recorded as access_denied', async () => {
    const res = await decide('deny');
    expect(res.status).toBe(303);
    expect(new URL(res.headers.get('location')!).searchParams.get('error')).toBe('access_denied');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(row(s, 'POST', '/consent')).toMatchObject({ status: 303, client_id: 'hostile', error: 'access_denied' });
  });

  it('approve: the code redirect with the page headers, and a success row', async () => {
    const res = await decide('approve');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')!.startsWith(`${HOSTILE}?code=`)).toBe(true);
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(row(s, 'POST', '/consent')).toMatchObject({ status: 303, client_id: 'hostile', error: undefined });
  });
});

describe('redirectErrorOf', () => {
  it('reads the query with the URL parser: bad escapes, paths and code redirects', () => {
    expect(redirectErrorOf('http://127.0.0.1/cb?error=access_denied&state=s')).toBe('access_denied');
    expect(redirectErrorOf('http://127.0.0.1/cb?error=%FF')).toBe('\uFFFD');
    expect(redirectErrorOf('http://127.0.0.1/cb&error=%FF?code=abc')).toBeUndefined();
    expect(redirectErrorOf('http://127.0.0.1/cb?error=%FF&code=abc')).toBeUndefined();
    expect(redirectErrorOf('/consent?interaction=x')).toBeUndefined();
    expect(redirectErrorOf('http://[::1')).toBeUndefined();
  });
});
