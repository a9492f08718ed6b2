/**
 * The flow timeline with a real client: the MCP TypeScript SDK registers, authorizes (consent
 * given on the consent page), exchanges the code and refreshes an expired token against the
 * example MCP server. All of it is one flow; its HAR is valid HAR 1.2; and every step's curl line,
 * re-run with real curl in a shell against fresh values (a new client, prompt, CSRF token, cookie,
 * code and refresh token, learned from the replayed answers), gets the status the client got.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { afterEach, describe, expect, it } from 'vitest';
import { startExampleMcpServer } from '../../examples/mcp-server/server';
import type { Clock } from '../../server/clock';
import type { Flow, FlowStep, FlowSummary } from '../../server/contracts/flows';
import { approveOnPage } from '../helpers/consentPage';
import { TestAuthProvider } from '../helpers/mcpAuthProvider';
import { startTestServer, type TestServer } from '../helpers/server';
import { connectSdk, toolText } from './helpers';

const run = promisify(execFile);

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The SDK's "browser": the consent page, Approve clicked (its form posted). */
class PageConsentProvider extends TestAuthProvider {
  constructor(
    redirect: string,
    private readonly issuer: string,
  ) {
    super(redirect);
  }
  override async redirectToAuthorization(url: URL) {
    this.authorizations.push(url);
    this.code = (await approveOnPage(this.issuer, url)).searchParams.get('code') ?? undefined;
  }
}

/** The SDK's whole run: DCR, consent on the page, code exchange, then a refresh of a token born expired. */
async function sdkFlow() {
  // AuthPlane's clock runs two hours behind while the first token is issued: the MCP server
  // refuses it as expired and the SDK refreshes.
  let offset = -2 * 3600_000;
  const clock: Clock = { now: () => Date.now() + offset };
  const s = await startTestServer({ consent: 'prompt', clock });
  const mcp = await startExampleMcpServer({ issuer: s.issuer });
  cleanups.push(() => s.stop(), () => mcp.close());
  await s.services.resources.create({ slug: 'mcp-a', uri: mcp.resource, scopes: [{ name: 'read', description: 'Read' }, { name: 'write', description: 'Write' }] });
  const provider = new PageConsentProvider('http://127.0.0.1:43121/callback', s.issuer);
  const t1 = new StreamableHTTPClientTransport(new URL(mcp.url), { authProvider: provider });
  await expect(new Client({ name: 'flows', version: '1' }).connect(t1)).rejects.toBeInstanceOf(UnauthorizedError);
  await t1.finishAuth(provider.code!);
  offset = 0;
  const { client } = await connectSdk(mcp.url, provider);
  cleanups.push(() => client.close());
  expect(JSON.parse(toolText(await client.callTool({ name: 'whoami', arguments: {} }))).subject).toBe('dev-user');
  return { s, provider };
}

async function adminJson<T>(s: TestServer, path: string): Promise<T> {
  const res = await s.admin(path);
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

/** The SDK client's one flow (revealed), and the check that it is the only one of its client. */
async function sdkClientFlow(s: TestServer, clientId: string): Promise<Flow> {
  const mine = (await adminJson<FlowSummary[]>(s, '/flows')).filter((f) => f.client_id === clientId);
  expect(mine).toHaveLength(1);
  return adminJson<Flow>(s, `/flows/${mine[0]!.id}?reveal=true`);
}

const isDiscovery = (x: FlowStep) => x.endpoint === 'metadata' || x.endpoint === 'jwks';

/** The fields HAR 1.2 requires (http://www.softwareishard.com/blog/har-12-spec/), with their types. */
function checkHar12(har: any): void {
  const num = (v: unknown) => expect(typeof v).toBe('number');
  const str = (v: unknown) => expect(typeof v).toBe('string');
  const pairs = (v: unknown) => {
    expect(Array.isArray(v)).toBe(true);
    for (const p of v as Array<{ name: unknown; value: unknown }>) [p.name, p.value].forEach(str);
  };
  expect(har.log.version).toBe('1.2');
  str(har.log.creator.name);
  str(har.log.creator.version);
  expect(har.log.entries.length).toBeGreaterThan(0);
  for (const e of har.log.entries) {
    expect(new Date(e.startedDateTime).toISOString()).toBe(e.startedDateTime);
    num(e.time);
    const q = e.request;
    [q.method, q.url, q.httpVersion].forEach(str);
    expect(() => new URL(q.url)).not.toThrow();
    [q.cookies, q.headers, q.queryString].forEach(pairs);
    [q.headersSize, q.bodySize].forEach(num);
    if (q.postData) [q.postData.mimeType, q.postData.text].forEach(str);
    const r = e.response;
    [r.status, r.headersSize, r.bodySize, r.content.size].forEach(num);
    [r.statusText, r.httpVersion, r.content.mimeType, r.redirectURL].forEach(str);
    [r.cookies, r.headers].forEach(pairs);
    expect(typeof e.cache).toBe('object');
    [e.timings.send, e.timings.wait, e.timings.receive].forEach(num);
  }
}

/** A `curl -i` answer: status, headers, body. */
function parseCurl(out: string): { status: number; headers: Array<[string, string]>; body: string } {
  const split = out.indexOf('\r\n\r\n');
  const [statusLine, ...lines] = out.slice(0, split).split('\r\n');
  const headers = lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()] as [string, string]);
  return { status: Number(statusLine!.split(' ')[1]), headers, body: out.slice(split + 4) };
}

/** The values a server hands out that later requests present: learned from a recorded and a replayed answer. */
function handedOut(headers: Array<[string, string]>, body: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, value] of headers) {
    if (name === 'set-cookie') out.set('cookie', value.split(';', 1)[0]!);
    if (name === 'location' && URL.canParse(value, 'http://x')) for (const k of ['code', 'interaction']) {
      const v = new URL(value, 'http://x').searchParams.get(k);
      if (v) out.set(k, v);
    }
  }
  const csrf = /name="csrf" value="([^"]+)"/.exec(body)?.[1];
  if (csrf) out.set('csrf', csrf);
  for (const k of ['client_id', 'access_token', 'refresh_token']) {
    const v = new RegExp(`"${k}":"([^"]+)"`).exec(body)?.[1];
    if (v) out.set(k, v);
  }
  return out;
}

describe('flow timeline with the MCP TypeScript SDK client', () => {
  it('its whole authorization is one flow with every step, and the HAR of it is valid HAR 1.2', async () => {
    const { s, provider } = await sdkFlow();
    const clientId = provider.clientInformation()!.client_id;
    const flow = await sdkClientFlow(s, clientId);
    expect(flow.steps.filter((x) => !isDiscovery(x)).map((x) => `${x.endpoint} ${x.status}${x.grant_type ? ` ${x.grant_type}` : ''}`)).toEqual([
      'register 201',
      'authorize 303',
      'consent 200',
      'decision 303',
      'token 200 authorization_code',
      'token 200 refresh_token',
    ]);
    // The SDK's discovery came first, from the same client: it is the start of the flow.
    expect(flow.steps[0]!.endpoint).toBe('metadata');
    expect(flow).toMatchObject({ kind: 'authorization_code', client_name: 'MCP SDK test client', sub: 'dev-user', outcome: 'succeeded' });

    const res = await s.admin(`/flows/${flow.id}/har`);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const har = await res.json();
    checkHar12(har);
    expect(har.log.entries.map((e: any) => `${e.request.method} ${new URL(e.request.url).pathname} ${e.response.status}`)).toEqual(flow.steps.map((x) => `${x.method} ${x.url.split('?')[0]} ${x.status}`));
    const decision = har.log.entries.find((e: any) => e._endpoint === 'decision');
    expect(decision.request.postData.params.map((p: any) => p.name)).toEqual(['interaction', 'csrf', 'scope', 'scope', 'action']);
    expect(decision.response.redirectURL).toMatch(/^http:\/\/127\.0\.0\.1:43121\/callback\?code=/);
    expect(decision.request.cookies).toHaveLength(1);
  });

  it('each curl line, re-run with fresh values, gets the status the client got', async () => {
    const { s, provider } = await sdkFlow();
    const flow = await sdkClientFlow(s, provider.clientInformation()!.client_id);
    const fresh = new Map<string, string>();
    for (const step of flow.steps) {
      let line = step.curl!;
      for (const [old, now] of fresh) line = line.split(old).join(now);
      const replay = parseCurl((await run('sh', ['-c', line], { maxBuffer: 10 * 1024 * 1024 })).stdout);
      expect(replay.status, `${step.endpoint}: ${line}`).toBe(step.status);
      const recorded = handedOut(
        step.exchange.response.headers.map((h) => [h.name.toLowerCase(), h.value]),
        step.exchange.response.body?.text ?? '',
      );
      const now = handedOut(replay.headers, replay.body);
      for (const [k, old] of recorded) if (now.get(k) && now.get(k) !== old) fresh.set(old, now.get(k)!);
    }
    // The replay really ran on fresh values: a new client, and the code and refresh token it got.
    expect(s.services.clients.list().filter((c) => c.registration_source === 'dcr')).toHaveLength(2);
    expect([...fresh.keys()].length).toBeGreaterThanOrEqual(6);
  });
});
