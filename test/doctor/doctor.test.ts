/**
 * `runDoctor` against a real AuthPlane (consent prompt, so the doctor must approve through the
 * admin API) and real servers on loopback: the example MCP server (everything ✓), and tiny
 * servers broken in each way the doctor detects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExampleMcpServer, type ExampleMcpServer } from '../../examples/mcp-server/server';
import { DoctorReport, DoctorStepId } from '../../server/contracts/doctor';
import { MASK } from '../../server/contracts/flows';
import { DOCTOR_CLIENT_ID, formatReport, runDoctor } from '../../server/doctor';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';
import { startBrokenServer, type Breakage, type BrokenServer } from './brokenServer';

let s: TestServer;
let example: ExampleMcpServer;
const toClose: BrokenServer[] = [];
let n = 0;

beforeAll(async () => {
  s = await startTestServer({ consent: 'prompt' });
  example = await startExampleMcpServer({ issuer: s.issuer });
  await s.services.resources.create({ slug: 'mcp-a', uri: example.resource, scopes: [{ name: 'read' }, { name: 'write' }] });
});
afterAll(async () => {
  await Promise.all(toClose.map((b) => b.close()));
  await example?.close();
  await s?.stop();
});

const doctor = (mcpUrl: string) => runDoctor({ mcpUrl, issuer: s.issuer, adminToken: s.adminToken });

/** A broken server, registered in AuthPlane (by default exactly at its endpoint URL). */
async function broken(b: Breakage, registerAs?: (url: string) => string | null) {
  const srv = await startBrokenServer(s.issuer, b);
  toClose.push(srv);
  const uri = registerAs ? registerAs(srv.url) : srv.url;
  if (uri) await s.services.resources.create({ slug: `broken-${++n}`, uri, scopes: [{ name: 'read' }, { name: 'write' }] });
  return srv;
}

function statuses(r: DoctorReport) {
  return Object.fromEntries(r.steps.map((x) => [x.id, x.status])) as Record<DoctorStepId, string>;
}
const stepOf = (r: DoctorReport, id: DoctorStepId) => r.steps.find((x) => x.id === id)!;

/** Every step passes except `failing` (which fail) and `skipped`. */
function expectOnly(r: DoctorReport, failing: DoctorStepId[], skipped: DoctorStepId[] = []) {
  const want = Object.fromEntries(r.steps.map((x) => [x.id, failing.includes(x.id) ? 'fail' : skipped.includes(x.id) ? 'skip' : 'pass']));
  expect(statuses(r), formatReport(r)).toEqual(want);
  expect(r.ok).toBe(failing.length === 0);
}

describe('doctor against the example MCP server', () => {
  it('walks every step with ✓, approving its own consent prompt through the admin API', async () => {
    const r = await doctor(example.url);
    expect(() => DoctorReport.parse(r)).not.toThrow();
    expectOnly(r, []);
    // Every step of the contract, in its (walk) order; the gateway step is only for gateways (gateway.test.ts).
    expect(r.steps.map((x) => x.id)).toEqual(DoctorStepId.exclude(['gateway_exchange']).options);
    expect(r).toMatchObject({ ok: true, issuer: s.issuer, resource: { slug: 'mcp-a', uri: example.resource }, prm_url: example.prmUrl, summary: { pass: 15, fail: 0, warn: 0, skip: 0 } });
    expect(stepOf(r, 'token').detail).toContain('consent approved through the admin API');
    expect(stepOf(r, 'token').detail).toContain(`aud "${example.resource}"`);
    expect(stepOf(r, 'call_with_token').detail).toContain('authplane-example-notes');
    expect(stepOf(r, 'wrong_audience').detail).toMatch(/^HTTP 401 invalid_token/);
    expect(stepOf(r, 'expired').detail).toMatch(/^HTTP 401 invalid_token: token expired/);
    const text = formatReport(r);
    expect(text.split('\n').filter((l) => l.startsWith('✓'))).toHaveLength(15);

    // It registered its test client once, and revoked the token it obtained.
    const client = s.services.clients.get(DOCTOR_CLIENT_ID)!;
    expect(client).toMatchObject({ token_endpoint_auth_method: 'none', grant_types: ['authorization_code'] });
    const page = await (await s.admin(`/issuances?client=${DOCTOR_CLIENT_ID}&limit=1`)).json();
    expect(page.issuances[0]).toMatchObject({ resource: 'mcp-a', state: 'revoked' });
    // The test-only tokens are not grants: only the one real token is in the log.
    const all = await (await s.admin(`/issuances?client=${DOCTOR_CLIENT_ID}`)).json();
    expect(all.issuances).toHaveLength(1);
  });

  it('runs again with the remembered consent and the existing client', async () => {
    const r = await doctor(example.url);
    expectOnly(r, []);
    expect(stepOf(r, 'token').detail).not.toContain('consent approved');
  });

  it('records each round trip of the walk as the step\'s exchange, with the test client\'s secrets masked', async () => {
    // Watch the wire to know the real code and token the report must not contain.
    const seen: string[] = [];
    const watching = async (input: string, init?: RequestInit) => {
      const res = await fetch(input, init);
      seen.push(input, typeof init?.body === 'string' ? init.body : '', res.headers.get('location') ?? '', await res.clone().text());
      return res;
    };
    const r = await runDoctor({ mcpUrl: example.url, issuer: s.issuer, adminToken: s.adminToken, fetch: watching });
    expectOnly(r, []);
    expect(() => DoctorReport.parse(r)).not.toThrow();
    const token = seen.map((t) => /"access_token":"([^"]+)"/.exec(t)?.[1]).find(Boolean)!;
    const code = seen.map((t) => /[?&]code=([^&]+)/.exec(t)?.[1]).find(Boolean)!;
    const verifier = seen.map((t) => /code_verifier=([^&]+)/.exec(t)?.[1]).find(Boolean)!;
    expect([token, code, verifier].every((x) => x && x.length > 20)).toBe(true);
    const text = JSON.stringify(r);
    for (const secret of [token, code, verifier, s.adminToken]) expect(text).not.toContain(secret);

    const ex = (id: DoctorStepId) => stepOf(r, id).exchange;
    const header = (hs: Array<{ name: string; value: string }> | undefined, name: string) => hs?.find((h) => h.name.toLowerCase() === name)?.value;
    // The walk on the MCP server's side: the 401 and its challenge, the PRM, then AuthPlane's documents.
    expect(ex('unauthenticated')).toMatchObject({ request: { method: 'POST', url: example.url }, response: { status: 401 } });
    expect(header(ex('unauthenticated')!.response.headers, 'www-authenticate')).toContain(`resource_metadata="${example.prmUrl}"`);
    expect(ex('unauthenticated')!.request.body).toMatchObject({ mime_type: 'application/json', truncated: false });
    expect(JSON.parse(ex('unauthenticated')!.request.body!.text)).toMatchObject({ method: 'server/discover' });
    expect(ex('prm')).toMatchObject({ request: { method: 'GET', url: example.prmUrl }, response: { status: 200 } });
    expect(JSON.parse(ex('prm')!.response.body!.text)).toMatchObject({ resource: example.resource, authorization_servers: [s.issuer] });
    expect(ex('as_metadata')).toMatchObject({ request: { url: `${s.issuer}/.well-known/oauth-authorization-server` }, response: { status: 200 } });
    expect(ex('jwks')).toMatchObject({ request: { url: `${s.issuer}/.well-known/jwks.json` }, response: { status: 200 } });
    // The token request: verifier and code in the form, the tokens in the answer, all masked.
    const t = ex('token')!;
    expect(t).toMatchObject({ request: { method: 'POST', url: `${s.issuer}/oauth/token` }, response: { status: 200 } });
    const form = new URLSearchParams(t.request.body!.text);
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('code_verifier')).toBe(`${verifier.slice(0, 4)}${MASK}`);
    expect(form.get('code')).toBe(`${code.slice(0, 4)}${MASK}`);
    expect(JSON.parse(t.response.body!.text).access_token).toBe(`${token.slice(0, 4)}${MASK}`);
    // The call with the token: its Authorization header keeps the scheme, not the token.
    expect(ex('call_with_token')!.response.status).toBe(200);
    expect(header(ex('call_with_token')!.request.headers, 'authorization')).toBe(`Bearer ${token.slice(0, 4)}${MASK}`);
    // Each as a curl command that shows what was sent, masked the same way.
    expect(stepOf(r, 'call_with_token').curl).toBe(
      `curl -sS -i -X POST '${example.url}' -H 'content-type: application/json' -H 'accept: application/json, text/event-stream' -H 'mcp-protocol-version: 2026-07-28' -H 'mcp-method: server/discover' -H 'authorization: Bearer ${token.slice(0, 4)}${MASK}' --data-binary '${ex('call_with_token')!.request.body!.text}'`,
    );
    for (const x of r.steps) expect(x.curl === undefined, x.id).toBe(x.exchange === undefined);
    expect(ex('wrong_audience')!.response.status).toBe(401);
    expect(ex('expired')!.response.status).toBe(401);
    // Steps that only compare what earlier steps read, or talk to the admin API, show no exchange.
    for (const id of ['authplane', 'challenge', 'prm_resource_url', 'resource_registered', 'scopes'] as const) expect(ex(id), id).toBeUndefined();
  });

  it('repairs an edited test client', async () => {
    await s.admin(`/clients/${DOCTOR_CLIENT_ID}`, { method: 'PATCH', body: JSON.stringify({ redirect_uris: ['http://127.0.0.1/elsewhere'], status: 'suspended' }) });
    expectOnly(await doctor(example.url), []);
  });
});

describe('doctor against broken servers', () => {
  it('a server that does not require a token', async () => {
    const b = await broken({ noAuth: true });
    const r = await doctor(b.url);
    expectOnly(r, ['unauthenticated', 'wrong_audience', 'expired'], ['challenge', 'protocol']);
    expect(stepOf(r, 'unauthenticated').detail).toBe(`your server answered HTTP 200 to an MCP server/discover request (2026-07-28) without a token: it does not require authorization, so clients never start OAuth`);
    // The PRM was still found at the well-known URL.
    expect(stepOf(r, 'prm').detail).toContain('(found at the well-known URL)');
  });

  it('a 401 without a WWW-Authenticate challenge', async () => {
    const b = await broken({ noChallenge: true });
    const r = await doctor(b.url);
    expectOnly(r, ['challenge']);
    expect(stepOf(r, 'challenge')).toMatchObject({ detail: 'the 401 has no WWW-Authenticate header', fix: expect.stringContaining(`WWW-Authenticate: Bearer resource_metadata="${b.origin}/.well-known/oauth-protected-resource/mcp"`) });
  });

  it('a challenge without resource_metadata', async () => {
    const b = await broken({ noResourceMetadata: true });
    const r = await doctor(b.url);
    expectOnly(r, ['challenge']);
    expect(stepOf(r, 'challenge').detail).toBe('the challenge has no resource_metadata parameter: Bearer');
    expect(stepOf(r, 'challenge').fix).toContain(`resource_metadata="${b.origin}/.well-known/oauth-protected-resource/mcp"`);
  });

  it('no Protected Resource Metadata', async () => {
    const b = await broken({ noPrm: true });
    const r = await doctor(b.url);
    expectOnly(r, ['prm'], ['prm_resource_url', 'resource_registered', 'authorization_servers', 'scopes', 'token', 'call_with_token', 'protocol', 'wrong_audience', 'expired']);
    expect(stepOf(r, 'prm').detail).toBe(`the challenge names ${b.origin}/.well-known/oauth-protected-resource/mcp but it answers HTTP 404`);
  });

  it('PRM resource with a trailing slash the registration does not have', async () => {
    const b = await broken({ prmResource: (u) => `${u}/` });
    const r = await doctor(b.url);
    // AuthPlane refuses the slash variant (invalid_target), so no token can be had for it.
    expectOnly(r, ['resource_registered'], ['token', 'call_with_token', 'protocol', 'wrong_audience', 'expired']);
    const step = stepOf(r, 'resource_registered');
    expect(step.detail).toBe(`your server publishes ${b.url}/ but the resource is registered as ${b.url} (broken-${n}): it has an extra trailing "/", so AuthPlane refuses "${b.url}/" (invalid_target)`);
    expect(step.fix).toBe(`make the two strings identical, character for character: publish "resource": "${b.url}" in your PRM and verify aud against it, or re-register: authserver admin resource update broken-${n} --uri ${b.url}/`);
    expect(formatReport(r)).toContain(`✗ PRM \`resource\` is registered in AuthPlane byte for byte\n    your server publishes ${b.url}/ but the resource is registered as ${b.url}`);
  });

  it('an origin-only resource registered with "/": AuthPlane tolerates it, the server then refuses the aud', async () => {
    const b = await broken({ prmResource: (u) => new URL(u).origin }, (u) => `${new URL(u).origin}/`);
    const r = await doctor(b.url);
    expectOnly(r, ['resource_registered', 'call_with_token'], ['protocol', 'wrong_audience', 'expired']);
    expect(stepOf(r, 'resource_registered').detail).toBe(`your server publishes ${b.origin} but the resource is registered as ${b.origin}/ (broken-${n}): AuthPlane accepts the difference in the authorization request but mints aud "${b.origin}/", which your server compares with "${b.origin}"`);
    expect(stepOf(r, 'token').detail).toContain(`aud "${b.origin}/"`);
    expect(stepOf(r, 'call_with_token').detail).toContain(`your server rejected a valid token AuthPlane issued for ${b.origin}/`);
    expect(stepOf(r, 'call_with_token').fix).toContain('make them identical');
  });

  it('authorization_servers with a trailing slash', async () => {
    const b = await broken({ authorizationServers: (i) => [`${i}/`] });
    const r = await doctor(b.url);
    expectOnly(r, ['authorization_servers']);
    expect(stepOf(r, 'authorization_servers').detail).toContain(`your server lists ${s.issuer}/ but AuthPlane's issuer is ${s.issuer}`);
    expect(stepOf(r, 'authorization_servers').fix).toBe(`list the issuer exactly as AuthPlane prints it: "authorization_servers": ["${s.issuer}"]`);
  });

  it('authorization_servers naming another server', async () => {
    const b = await broken({ authorizationServers: () => ['https://auth.example.com', s.issuer] });
    const r = await doctor(b.url);
    expectOnly(r, ['authorization_servers']);
    expect(stepOf(r, 'authorization_servers').detail).toContain('is listed, but not first');
  });

  it('a server that accepts a token for another audience', async () => {
    const b = await broken({ skipAudience: true });
    const r = await doctor(b.url);
    expectOnly(r, ['wrong_audience']);
    expect(stepOf(r, 'wrong_audience').detail).toMatch(new RegExp(`^your server accepted a token whose aud is ${b.origin}/authplane-test-wrong-audience-\\S+, not ${b.url}`));
    expect(stepOf(r, 'wrong_audience').fix).toContain(`audience: "${b.url}"`);
  });

  it('a server that accepts an expired token', async () => {
    const b = await broken({ skipExpiry: true });
    const r = await doctor(b.url);
    expectOnly(r, ['expired']);
    expect(stepOf(r, 'expired').detail).toMatch(/^your server accepted a token that expired at \S+ \(an hour ago\)$/);
  });

  it('a server that answers 403 to bad tokens: warnings, not failures', async () => {
    const b = await broken({ forbidInsteadOf401: true });
    const r = await doctor(b.url);
    expect(statuses(r)).toMatchObject({ wrong_audience: 'warn', expired: 'warn', call_with_token: 'pass' });
    expect(r.ok).toBe(true);
    expect(r.summary.warn).toBe(2);
  });

  it('a scope the resource does not define', async () => {
    const b = await broken({ scopes: ['read', 'write', 'admin'] });
    const r = await doctor(b.url);
    expectOnly(r, ['scopes']);
    expect(stepOf(r, 'scopes').detail).toContain(`your server advertises "admin" (scopes_supported), which resource broken-${n} does not define`);
    // The token step asked only for defined scopes, so the rest of the walk still ran.
    expect(stepOf(r, 'token').detail).toContain('scope "read write"');
  });

  it('a PRM resource that is not the endpoint', async () => {
    const b = await broken({ prmResource: (u) => u.replace('/mcp', '/other') }, (u) => u.replace('/mcp', '/other'));
    const r = await doctor(b.url);
    // No token for that resource is sent to an endpoint it does not cover.
    expectOnly(r, ['prm_resource_url'], ['token', 'call_with_token', 'protocol', 'wrong_audience', 'expired']);
    expect(stepOf(r, 'prm_resource_url').detail).toContain('is neither the MCP endpoint');
  });

  it('a server whose resource is not registered at all', async () => {
    const b = await broken({}, () => null);
    const r = await doctor(b.url);
    expectOnly(r, ['resource_registered'], ['scopes', 'token', 'call_with_token', 'protocol', 'wrong_audience', 'expired']);
    expect(stepOf(r, 'resource_registered').detail).toMatch(new RegExp(`^no resource is registered as ${b.url} \\(registered: `));
    expect(stepOf(r, 'resource_registered').fix).toContain(`authserver admin resource create --slug <name> --uri ${b.url}`);
  });

  it('an MCP server that is not running', async () => {
    const b = await broken({});
    await b.close();
    const r = await doctor(b.url);
    expect(stepOf(r, 'unauthenticated')).toMatchObject({ status: 'fail', detail: expect.stringContaining(`cannot reach your MCP server at ${b.url}: connection refused`) });
    expect(r.ok).toBe(false);
  });

  it('no AuthPlane running on the data dir', async () => {
    const dir = await tempDir();
    const r = await runDoctor({ mcpUrl: example.url, dataDir: dir });
    expect(stepOf(r, 'authplane')).toMatchObject({ status: 'fail', detail: `no AuthPlane server is running on the data dir ${dir}`, fix: expect.stringContaining(`authserver serve --data-dir ${dir}`) });
    // What can be checked without it still is: the MCP side, and AS metadata through the PRM.
    expect(statuses(r)).toMatchObject({ unauthenticated: 'pass', challenge: 'pass', prm: 'pass', as_metadata: 'pass', resource_registered: 'skip', token: 'skip' });
  });
});

describe('doctor: MCP protocol revisions (--protocol)', () => {
  it('the SDK v2 example server speaks 2026-07-28 and, through its legacy fallback, 2025-11-25; both refuse a request without a token', async () => {
    const r = await doctor(example.url);
    expect(r).toMatchObject({ protocol: '2026-07-28', mcp_protocols: ['2026-07-28', '2025-11-25'] });
    expect(stepOf(r, 'protocol')).toMatchObject({ status: 'pass', detail: 'speaks 2026-07-28 (server/discover) and 2025-11-25 (initialize); each refuses a request without a token with 401' });
    expect(stepOf(r, 'unauthenticated').detail).toBe('HTTP 401 to an MCP server/discover request (2026-07-28) without a token');
  });

  it('an SDK 1.x server speaks only 2025-11-25: all ✓ checked as such by default; ✗ naming --protocol when 2026-07-28 is required', async () => {
    const old = await startExampleMcpServer({ issuer: s.issuer, protocol: '2025-11-25' });
    try {
      await s.services.resources.create({ slug: 'mcp-old', uri: old.resource, scopes: [{ name: 'read' }, { name: 'write' }] });
      const auto = await doctor(old.url);
      expectOnly(auto, []);
      expect(auto).toMatchObject({ protocol: '2025-11-25', mcp_protocols: ['2025-11-25'] });
      expect(stepOf(auto, 'call_with_token').detail).toBe('HTTP 200: initialize succeeded (authplane-example-notes 0.1.0)');
      expect(stepOf(auto, 'protocol').detail).toBe('speaks 2025-11-25 (initialize); each refuses a request without a token with 401');

      const r = await runDoctor({ mcpUrl: old.url, issuer: s.issuer, adminToken: s.adminToken, protocol: '2026-07-28' });
      expect(r.mcp_protocols).toEqual(['2025-11-25']);
      expectOnly(r, ['call_with_token', 'protocol'], ['wrong_audience', 'expired']);
      expect(stepOf(r, 'call_with_token').fix).toBe('if it speaks another MCP revision (see the protocol step), check it with --protocol 2025-11-25');
      expect(stepOf(r, 'protocol')).toMatchObject({
        status: 'fail',
        detail: 'your server speaks 2025-11-25 (initialize), not 2026-07-28',
        fix: `check it as what it is: authserver doctor ${old.url} --protocol 2025-11-25; or serve 2026-07-28 (SDK v2: createMcpHandler from @modelcontextprotocol/server)`,
      });
      const ok = await runDoctor({ mcpUrl: old.url, issuer: s.issuer, adminToken: s.adminToken, protocol: '2025-11-25' });
      expectOnly(ok, []);
    } finally {
      await old.close();
    }
  });

  it('a server that protects only one revision: the other path answered without a token is ✗', async () => {
    const b = await broken({ openRevision: '2025-11-25' });
    const r = await doctor(b.url);
    expectOnly(r, ['protocol']);
    expect(stepOf(r, 'protocol').detail).toBe('your server answered HTTP 200 to a 2025-11-25 initialize without a token: that revision\'s path is not protected');
  });
});
