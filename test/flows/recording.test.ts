/**
 * The flow timeline as a client sees it: real requests at a real server, flows read back through
 * the admin API. Grouping by what the server knows, masking unless revealed, explanations of
 * failed steps, fired faults, limits, and no secrets in the audit or issuance files.
 */
import { readFile, rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it, onTestFinished as after } from 'vitest';
import { FLOW_LIMITS, type Flow, type FlowSummary } from '../../server/contracts/flows';
import { approveOnPage } from '../helpers/consentPage';
import { filesUnder } from '../helpers/files';
import { serveLoopback } from '../interop/helpers';
import { authorizationUrl, codeFlow, discover, oauth, postForm, refresh } from '../helpers/oauthClient';
import { seedSingleMcp, startTestServer, tempDir, type TestServer } from '../helpers/server';

const RES = 'http://127.0.0.1:3001/mcp';
const REDIRECT = 'http://127.0.0.1:8765/callback';

async function flows(s: TestServer, q = ''): Promise<FlowSummary[]> {
  const res = await s.admin(`/flows${q}`);
  expect(res.status).toBe(200);
  return res.json();
}

async function flow(s: TestServer, id: string, reveal = false): Promise<Flow> {
  const res = await s.admin(`/flows/${id}${reveal ? '?reveal=true' : ''}`);
  expect(res.status).toBe(200);
  return res.json();
}

/** The one flow of a client (each test uses its own client). */
async function flowOf(s: TestServer, clientId: string, reveal = false): Promise<Flow> {
  const list = await flows(s, `?client=${encodeURIComponent(clientId)}`);
  expect(list).toHaveLength(1);
  return flow(s, list[0]!.id, reveal);
}

const steps = (f: Flow | FlowSummary) => f.steps.map((x) => `${x.endpoint} ${x.status}`);

async function addClient(s: TestServer, id: string, extra: Record<string, unknown> = {}) {
  return s.services.clients.create({ client_name: id, client_id: id, redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'refresh_token'], token_endpoint_auth_method: 'none', ...extra }, 'admin');
}

describe('flow timeline (auto consent)', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
    await seedSingleMcp(s);
  });
  afterAll(() => s.stop());

  it('groups authorize → code exchange → refreshes → revocation into one flow, newest first, succeeded', async () => {
    await addClient(s, 'grouped');
    const { as, client, tokens } = await codeFlow({ issuer: s.issuer, clientId: 'grouped', scope: 'read', resource: RES });
    const t2 = await refresh(as, client, tokens.refresh_token!);
    await refresh(as, client, t2.refresh_token!);
    const revoked = await postForm(as.revocation_endpoint!, { token: t2.access_token, client_id: 'grouped' });
    expect(revoked.status).toBe(200);

    const f = await flowOf(s, 'grouped');
    expect(steps(f)).toEqual(['authorize 303', 'token 200', 'token 200', 'token 200', 'revoke 200']);
    expect(f.steps.map((x) => x.grant_type)).toEqual([undefined, 'authorization_code', 'refresh_token', 'refresh_token', undefined]);
    expect(f).toMatchObject({ kind: 'authorization_code', client_id: 'grouped', client_name: 'grouped', resource: RES, sub: 'dev-user', outcome: 'succeeded', failed_step_id: null, masked: true });
    // Another client's flow is another flow, listed first (newest first).
    await addClient(s, 'later');
    await codeFlow({ issuer: s.issuer, clientId: 'later', scope: 'read', resource: RES });
    const all = await flows(s);
    expect(all.findIndex((x) => x.client_id === 'later')).toBeLessThan(all.findIndex((x) => x.client_id === 'grouped'));
  });

  it('keeps the exchange exactly as it went over the wire: the answer sent once, its length, headers in order, links by token', async () => {
    await addClient(s, 'wire');
    const { as, tokens } = await codeFlow({ issuer: s.issuer, clientId: 'wire', scope: 'read', resource: RES });
    const res = await postForm(as.token_endpoint!, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token!, client_id: 'wire' }, { 'x-trace': 'a\tb' });
    expect(res.status).toBe(200);
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(res.text));
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    // Revoking the new access token joins the same flow (linked by the token, not kept whole).
    const revoked = await postForm(as.revocation_endpoint!, { token: String(res.json.access_token), client_id: 'wire' });
    expect(revoked.status).toBe(200);

    const f = await flowOf(s, 'wire', true);
    expect(steps(f)).toEqual(['authorize 303', 'token 200', 'token 200', 'revoke 200']);
    const step = f.steps[2]!;
    expect(step.exchange.response.body).toEqual({ mime_type: 'application/json; charset=utf-8', text: res.text, size: Buffer.byteLength(res.text), truncated: false });
    const sent = step.exchange.request.headers;
    expect(sent.find((h) => h.name === 'x-trace')).toEqual({ name: 'x-trace', value: 'a\tb' });
    expect(sent.findIndex((h) => h.name.toLowerCase() === 'content-type')).toBeLessThan(sent.findIndex((h) => h.name === 'x-trace'));
    // The response head exactly as it went out, in order: what the route set, then the length
    // Koa added and the Date and Connection headers Node wrote.
    const head = step.exchange.response.headers.map((h) => `${h.name}: ${h.value}`);
    expect(head).toEqual(expect.arrayContaining(['Cache-Control: no-store', 'Content-Type: application/json; charset=utf-8', `Content-Length: ${Buffer.byteLength(res.text)}`, 'Connection: keep-alive']));
    expect(head.findIndex((h) => h.startsWith('Content-Type:'))).toBeLessThan(head.findIndex((h) => h.startsWith('Content-Length:')));
    expect(step.exchange.response.headers.find((h) => h.name === 'Date')?.value).toBe(res.headers.get('date'));
  });

  it('masks codes, verifiers, tokens and the admin token unless revealed; the HAR and curl lines too', async () => {
    await addClient(s, 'masked');
    const as = await discover(s.issuer);
    const { url, verifier } = await authorizationUrl(as, { issuer: s.issuer, clientId: 'masked', scope: 'read', resource: RES });
    const code = new URL((await fetch(url, { redirect: 'manual' })).headers.get('location')!).searchParams.get('code')!;
    const tok = await postForm(as.token_endpoint!, { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT, client_id: 'masked' });
    const { access_token, refresh_token } = tok.json as { access_token: string; refresh_token: string };
    // The admin token travels as a Bearer to introspection.
    await postForm(as.introspection_endpoint!, { token: access_token }, { authorization: `Bearer ${s.adminToken}` });
    const secrets = [code, verifier, access_token, refresh_token, s.adminToken];

    const list = await flows(s, '?client=masked');
    const id = list[0]!.id;
    const masked = JSON.stringify(await flow(s, id));
    const har = await (await s.admin(`/flows/${id}/har`)).text();
    for (const secret of secrets) {
      expect(JSON.stringify(list)).not.toContain(secret);
      expect(masked).not.toContain(secret);
      expect(har).not.toContain(secret);
    }
    // Masked values keep their first characters so steps can be told apart.
    expect(masked).toContain(`${code.slice(0, 4)}••••`);

    const revealed = await flow(s, id, true);
    const text = JSON.stringify(revealed);
    for (const secret of secrets) expect(text).toContain(secret);
    expect(revealed.masked).toBe(false);
    expect(steps(revealed)).toEqual(['authorize 303', 'token 200', 'introspect 200']);
    expect(revealed.steps[1]!.curl).toContain(`code=${code}`);
    expect(await (await s.admin(`/flows/${id}/har?reveal=true`)).text()).toContain(refresh_token);
  });

  it('client_credentials is a one-step flow of its own', async () => {
    const created = await s.services.clients.create({ client_name: 'svc', client_id: 'svc', grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_basic' }, 'admin');
    const basic = `Basic ${Buffer.from(`svc:${created.client_secret}`).toString('base64')}`;
    for (let i = 0; i < 2; i++) expect((await postForm(`${s.issuer}/oauth/token`, { grant_type: 'client_credentials', resource: RES, scope: 'read' }, { authorization: basic })).status).toBe(200);
    const list = await flows(s, '?client=svc');
    expect(list.map((f) => [f.kind, f.outcome, steps(f)])).toEqual([
      ['client_credentials', 'succeeded', ['token 200']],
      ['client_credentials', 'succeeded', ['token 200']],
    ]);
    const shown = JSON.stringify(await flow(s, list[0]!.id));
    expect(shown).not.toContain(created.client_secret!);
    expect(shown).not.toContain(Buffer.from(`svc:${created.client_secret}`).toString('base64'));
  });

  it('a failed step carries the server’s explanation, with the fix for a resource that is a near miss', async () => {
    await addClient(s, 'mismatch');
    const as = await discover(s.issuer);
    const { url } = await authorizationUrl(as, { issuer: s.issuer, clientId: 'mismatch', scope: 'read', resource: 'http://localhost:3001/mcp' });
    const back = new URL((await fetch(url, { redirect: 'manual' })).headers.get('location')!);
    expect(back.searchParams.get('error')).toBe('invalid_target');

    const f = await flowOf(s, 'mismatch');
    expect(f.outcome).toBe('failed');
    const failed = f.steps.find((x) => x.id === f.failed_step_id)!;
    expect(failed).toMatchObject({ endpoint: 'authorize', status: 303, ok: false, error: 'invalid_target', error_description: back.searchParams.get('error_description') });
    expect(failed.explanation).toEqual({
      check: 'resource matches a registered MCP server',
      detail: 'resource "http://localhost:3001/mcp" is not registered; the closest registered resource is "http://127.0.0.1:3001/mcp" (mcp-a): the host differs ("localhost" vs "127.0.0.1")',
      spec: 'RFC 8707 §2: resource is the absolute URI of the MCP server (the one in its Protected Resource Metadata); an unknown one is refused with invalid_target',
      next: 'Correct the resource value and start the authorization again; the same request fails the same way.',
      fix: 'the client sent resource http://localhost:3001/mcp; the registered URI is http://127.0.0.1:3001/mcp. Make the client send http://127.0.0.1:3001/mcp (it takes the value from the MCP server\'s Protected Resource Metadata "resource"), or change the registered URI: `authserver admin resource update mcp-a --uri http://localhost:3001/mcp`',
    });
  });

  it('a token fault that fired is a failed step with its fault_id; the next refresh succeeds and the flow with it', async () => {
    await addClient(s, 'faulted');
    const { as, client, tokens } = await codeFlow({ issuer: s.issuer, clientId: 'faulted', scope: 'read', resource: RES });
    const fault = s.services.faults.arm({ endpoint: 'token', grant_type: 'refresh_token', error: 'invalid_grant' });
    await expect(refresh(as, client, tokens.refresh_token!)).rejects.toBeInstanceOf(oauth.ResponseBodyError);
    let f = await flowOf(s, 'faulted');
    expect(f.outcome).toBe('failed');
    const failed = f.steps.at(-1)!;
    expect(failed).toMatchObject({ endpoint: 'token', grant_type: 'refresh_token', status: 400, ok: false, error: 'invalid_grant', fault_id: fault.id });
    expect(failed.explanation).toEqual({
      check: 'an armed fault answered',
      detail: `AuthPlane fault ${fault.id} answered this token request on purpose with invalid_grant: injected by AuthPlane fault ${fault.id} on the token endpoint`,
      next: 'This is the failure you asked for: check that the client handles it (retries, refreshes or re-authorizes as it should).',
    });
    await refresh(as, client, tokens.refresh_token!);
    f = await flowOf(s, 'faulted');
    expect(steps(f)).toEqual(['authorize 303', 'token 200', 'token 400', 'token 200']);
    expect(f.outcome).toBe('succeeded');
  });

  it('a fault narrowed to nothing still lands in the flow of the request it answered', async () => {
    await addClient(s, 'unnarrowed');
    const { as, client, tokens } = await codeFlow({ issuer: s.issuer, clientId: 'unnarrowed', scope: 'read', resource: RES });
    const fault = s.services.faults.arm({ endpoint: 'token', error: 'invalid_grant' });
    await expect(refresh(as, client, tokens.refresh_token!)).rejects.toBeInstanceOf(oauth.ResponseBodyError);
    const f = await flowOf(s, 'unnarrowed');
    expect(f.steps.map((x) => [x.endpoint, x.status, x.grant_type, x.fault_id])).toEqual([
      ['authorize', 303, undefined, undefined],
      ['token', 200, 'authorization_code', undefined],
      ['token', 400, 'refresh_token', fault.id],
    ]);
  });

  it('a refresh whose token the server no longer links starts a refresh flow; a wrong one explains itself', async () => {
    await addClient(s, 'stranger');
    const r = await postForm(`${s.issuer}/oauth/token`, { grant_type: 'refresh_token', refresh_token: 'not-a-refresh-token-at-all', client_id: 'stranger' });
    expect(r.json.error).toBe('invalid_grant');
    const f = await flowOf(s, 'stranger');
    expect(f.kind).toBe('refresh');
    expect(f.steps[0]!.explanation).toMatchObject({ check: 'the refresh token is current', next: 'Drop the stored tokens and start a new authorization.' });
  });

  it('each step is a live flow.updated event with the flow’s summary, which carries no secret', async () => {
    await addClient(s, 'live');
    const ac = new AbortController();
    const res = await s.admin('/events', { signal: ac.signal });
    const reader = res.body!.getReader();
    const { tokens } = await codeFlow({ issuer: s.issuer, clientId: 'live', scope: 'read', resource: RES });
    let text = '';
    const decoder = new TextDecoder();
    const done = (t: string) => [...t.matchAll(/event: flow\.updated\ndata: (.*)\n/g)].map((m) => JSON.parse(m[1]!) as { data: { flow: FlowSummary } }).filter((e) => e.data.flow.client_id === 'live' && e.data.flow.outcome === 'succeeded');
    while (done(text).length === 0) {
      const { value, done: ended } = await reader.read();
      if (ended) break;
      text += decoder.decode(value, { stream: true });
    }
    ac.abort();
    await reader.cancel().catch(() => undefined);
    const [event] = done(text);
    expect(event!.data.flow).toMatchObject({ kind: 'authorization_code', client_id: 'live', outcome: 'succeeded', steps: [{ endpoint: 'authorize', status: 303 }, { endpoint: 'token', status: 200 }] });
    expect(Object.keys(event!.data.flow.steps[0]!).sort()).toEqual(['at', 'endpoint', 'id', 'method', 'ok', 'status']);
    for (const secret of [tokens.access_token, tokens.refresh_token!]) expect(text).not.toContain(secret);
  });

  it('refuses unknown query parameters and unknown flows like every admin route', async () => {
    const bad = await s.admin('/flows?clientid=x');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'invalid_request' });
    expect((await s.admin('/flows?outcome=maybe')).status).toBe(400);
    const id = (await flows(s))[0]!.id;
    expect((await s.admin(`/flows/${id}?reveal=yes`)).status).toBe(400);
    expect((await s.admin(`/flows/${id}/har?x=1`)).status).toBe(400);
    const missing = await s.admin('/flows/flw_nope');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: 'not_found', error_description: expect.stringContaining('no flow "flw_nope"') });
    expect((await fetch(`${s.issuer}/admin/api/flows`)).status).toBe(401);
  });

  it('filters by outcome, resource and user; limit caps the list', async () => {
    const failed = await flows(s, '?outcome=failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((f) => f.outcome === 'failed')).toBe(true);
    const byUri = await flows(s, `?resource=${encodeURIComponent(RES)}`);
    expect(byUri.length).toBeGreaterThan(0);
    expect(byUri.every((f) => f.resource === RES)).toBe(true);
    // The slug people type names the same flows as the URI the client sent.
    const slug = s.services.resources.get(RES)!.slug;
    expect((await flows(s, `?resource=${slug}`)).map((f) => f.id)).toEqual(byUri.map((f) => f.id));
    expect((await flows(s, '?user=dev-user')).every((f) => f.sub === 'dev-user')).toBe(true);
    expect(await flows(s, '?limit=1')).toHaveLength(1);
  });
});

describe('flow timeline (consent page)', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ consent: 'prompt' });
    await seedSingleMcp(s);
  });
  afterAll(() => s.stop());

  it('registration → authorize → consent page → decision → code exchange is one flow; the CSRF token and cookie are masked', async () => {
    const reg = await fetch(`${s.issuer}/oauth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_name: 'Page client', redirect_uris: [REDIRECT] }) });
    const clientId = ((await reg.json()) as { client_id: string }).client_id;
    const as = await discover(s.issuer);
    const { url, verifier } = await authorizationUrl(as, { issuer: s.issuer, clientId, scope: 'read', resource: RES });
    const back = await approveOnPage(s.issuer, url);
    const code = back.searchParams.get('code')!;
    expect((await postForm(as.token_endpoint!, { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT, client_id: clientId })).status).toBe(200);

    const f = await flowOf(s, clientId);
    expect(steps(f)).toEqual(['register 201', 'authorize 303', 'consent 200', 'decision 303', 'token 200']);
    expect(f).toMatchObject({ kind: 'authorization_code', client_name: 'Page client', sub: 'dev-user', outcome: 'succeeded' });
    const revealed = await flow(s, f.id, true);
    const csrf = /name="csrf" value="([^"]+)"/.exec(revealed.steps[2]!.exchange.response.body!.text)![1]!;
    const cookie = revealed.steps[3]!.exchange.request.headers.find((h) => h.name.toLowerCase() === 'cookie')!.value;
    const shown = JSON.stringify(f);
    for (const secret of [csrf, cookie.split('=')[1]!, code]) {
      expect(JSON.stringify(revealed)).toContain(secret);
      expect(shown).not.toContain(secret);
    }
  });
});

describe('flow timeline: what the server fetched and decided elsewhere', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ consent: 'prompt' });
    await seedSingleMcp(s);
  });
  afterAll(() => s.stop());

  it('a decision made in the window links the code exchange to its authorization by the code’s prompt', async () => {
    await addClient(s, 'windowed');
    const as = await discover(s.issuer);
    const { url, verifier } = await authorizationUrl(as, { issuer: s.issuer, clientId: 'windowed', scope: 'read', resource: RES });
    const uid = new URL((await fetch(url, { redirect: 'manual' })).headers.get('location')!, s.issuer).searchParams.get('interaction')!;
    const decided = await s.admin(`/interactions/${uid}/decision`, { method: 'POST', body: JSON.stringify({ action: 'approve' }) });
    const code = new URL(((await decided.json()) as { redirect: string }).redirect).searchParams.get('code')!;
    expect((await postForm(as.token_endpoint!, { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT, client_id: 'windowed' })).status).toBe(200);
    const f = await flowOf(s, 'windowed');
    expect(steps(f)).toEqual(['authorize 303', 'token 200']);
    expect(f).toMatchObject({ outcome: 'succeeded', sub: 'dev-user' });
  });

  it('a Client ID Metadata Document fetch is a step before the authorization it served; a refused document explains itself', async () => {
    const doc = await serveLoopback((req, res, origin) => {
      if (req.url === '/bad.json') return void res.writeHead(404, { 'content-type': 'text/plain' }).end('nope');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ client_id: `${origin}${req.url}`, client_name: 'CIMD flow', redirect_uris: [REDIRECT] }));
    });
    after(() => doc.close());
    const as = await discover(s.issuer);
    const good = `${doc.origin}/client.json`;
    const { url } = await authorizationUrl(as, { issuer: s.issuer, clientId: good, scope: 'read', resource: RES });
    expect((await fetch(url, { redirect: 'manual' })).status).toBe(303);
    const f = await flowOf(s, good);
    expect(steps(f)).toEqual(['cimd 200', 'authorize 303']);
    expect(f.steps[0]).toMatchObject({ method: 'GET', url: good, ok: true, exchange: { response: { body: { mime_type: 'application/json', text: expect.stringContaining('"client_name":"CIMD flow"') } } } });
    expect(f.client_name).toBe('CIMD flow');

    const bad = `${doc.origin}/bad.json`;
    const refused = await authorizationUrl(as, { issuer: s.issuer, clientId: bad, scope: 'read', resource: RES });
    expect((await fetch(refused.url, { redirect: 'manual' })).status).toBe(400);
    const g = await flowOf(s, bad);
    expect(steps(g)).toEqual(['cimd 404', 'authorize 400']);
    expect(g.steps[0]).toMatchObject({ ok: false, error: 'invalid_client', error_description: `fetching the client metadata document ${bad} returned HTTP 404` });
    expect(g.steps[0]!.explanation!.check).toBe('the Client ID Metadata Document is valid');
    expect(g.failed_step_id).toBe(g.steps[1]!.id);
  });
});

describe('flow timeline limits', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
    await seedSingleMcp(s);
  });
  afterAll(() => s.stop());

  it(`keeps the newest ${FLOW_LIMITS.flows} flows: the oldest roll off`, async () => {
    const created = await s.services.clients.create({ client_name: 'many', client_id: 'many', grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_post' }, 'admin');
    const form = { grant_type: 'client_credentials', resource: RES, scope: 'read', client_id: 'many', client_secret: created.client_secret! };
    const first = await postForm(`${s.issuer}/oauth/token`, form);
    const firstId = (await flows(s, '?client=many'))[0]!.id;
    expect(first.status).toBe(200);
    for (let i = 0; i < FLOW_LIMITS.flows; i++) await postForm(`${s.issuer}/oauth/token`, form);
    const all = await flows(s, '?limit=1000');
    expect(all).toHaveLength(FLOW_LIMITS.flows);
    expect(all.some((f) => f.id === firstId)).toBe(false);
    expect((await s.admin(`/flows/${firstId}`)).status).toBe(404);
  });

  it(`a flow keeps its newest ${FLOW_LIMITS.stepsPerFlow} steps and counts the dropped ones`, async () => {
    await addClient(s, 'long');
    const { as, client, tokens } = await codeFlow({ issuer: s.issuer, clientId: 'long', scope: 'read', resource: RES });
    let rt = tokens.refresh_token!;
    for (let i = 0; i < FLOW_LIMITS.stepsPerFlow; i++) rt = (await refresh(as, client, rt)).refresh_token!;
    const f = await flowOf(s, 'long');
    expect(f.steps).toHaveLength(FLOW_LIMITS.stepsPerFlow);
    expect(f.dropped_steps).toBe(2);
    expect(f.steps.every((x) => x.grant_type === 'refresh_token')).toBe(true);
  });

  it(`caps each body at ${FLOW_LIMITS.bodyBytes} bytes and says so`, async () => {
    const padding = 'x'.repeat(40_000);
    const reg = await fetch(`${s.issuer}/oauth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_name: 'Big', redirect_uris: [REDIRECT], padding }) });
    expect(reg.status).toBe(201);
    const clientId = ((await reg.json()) as { client_id: string }).client_id;
    const body = (await flowOf(s, clientId)).steps[0]!.exchange.request.body!;
    expect(body).toMatchObject({ mime_type: 'application/json', truncated: true, size: Buffer.byteLength(JSON.stringify({ client_name: 'Big', redirect_uris: [REDIRECT], padding })) });
    expect(Buffer.byteLength(body.text)).toBe(FLOW_LIMITS.bodyBytes);
  });
});

describe('flow timeline off', () => {
  it('records nothing with recordFlows: false', async () => {
    const s = await startTestServer({ recordFlows: false });
    try {
      await seedSingleMcp(s);
      await codeFlow({ issuer: s.issuer, clientId: 'my-agent', scope: 'read', resource: RES });
      expect(await flows(s)).toEqual([]);
    } finally {
      await s.stop();
    }
  });
});

describe('flows never reach the data dir', () => {
  it('after a full flow the audit and issuance files hold no code, verifier or token, and no flow event', async () => {
    const dataDir = await tempDir();
    const s = await startTestServer({ consent: 'prompt', dataDir });
    let secrets: string[] = [];
    try {
      await seedSingleMcp(s);
      const as = await discover(s.issuer);
      const { url, verifier } = await authorizationUrl(as, { issuer: s.issuer, clientId: 'my-agent', scope: 'read', resource: RES });
      const code = (await approveOnPage(s.issuer, url)).searchParams.get('code')!;
      const tok = await postForm(as.token_endpoint!, { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT, client_id: 'my-agent' });
      const t = tok.json as { access_token: string; refresh_token: string };
      const t2 = await refresh(as, { client_id: 'my-agent' }, t.refresh_token);
      secrets = [code, verifier, t.access_token, t.refresh_token, t2.access_token, t2.refresh_token!];
      // The flow saw them all (revealed), so the check below is not vacuous.
      const f = await flowOf(s, 'my-agent', true);
      for (const x of secrets) expect(JSON.stringify(f)).toContain(x);
    } finally {
      await s.stop();
    }
    const files = await filesUnder(dataDir);
    after(() => rm(dataDir, { recursive: true, force: true }));
    expect(files.some((p) => p.includes('audit'))).toBe(true);
    expect(files.some((p) => p.includes('issuance'))).toBe(true);
    for (const p of files) {
      const text = await readFile(p, 'latin1');
      for (const x of secrets) expect(text.includes(x), `${x.slice(0, 6)}… in ${p}`).toBe(false);
      expect(text.includes('flow.updated'), `flow event in ${p}`).toBe(false);
    }
  });
});
