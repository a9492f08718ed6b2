/**
 * `strict` (config key; `serve --strict`) turns Desktop's leniencies off, answering as the
 * product does: a missing scope, a missing resource and a resource that is the registered URI
 * only after normalisation (trailing "/", host case) are refused instead of resolved with a
 * warning. The lenient server (default) is checked alongside so each case is a real difference.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSingleMcp, startTestServer, type TestServer } from '../helpers/server';

const CB = 'http://127.0.0.1:8765/callback';
const URI = 'http://127.0.0.1:3001/mcp';
const VERIFIER = 'v'.repeat(43);
const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url');

let lenient: TestServer;
let strict: TestServer;
beforeAll(async () => {
  [lenient, strict] = await Promise.all([startTestServer(), startTestServer({ strict: true })]);
  await Promise.all([seedSingleMcp(lenient), seedSingleMcp(strict)]);
});
afterAll(async () => {
  await Promise.all([lenient?.stop(), strict?.stop()]);
});

function authorize(s: TestServer, params: Record<string, string | undefined>) {
  const base: Record<string, string> = { response_type: 'code', client_id: 'my-agent', redirect_uri: CB, scope: 'read', state: 'xyz', code_challenge: CHALLENGE, code_challenge_method: 'S256', resource: URI };
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...base, ...params })) if (v !== undefined) q.set(k, v);
  return s.fetch(`/oauth/authorize?${q}`, { redirect: 'manual', headers: { accept: 'text/html' } });
}

/** The redirect's query (error or code) as a plain object. */
async function outcome(res: Response): Promise<Record<string, string>> {
  expect(res.status, await res.clone().text()).toBe(303);
  const p = new URL(res.headers.get('location')!).searchParams;
  const out = Object.fromEntries(p);
  delete out.iss;
  if (out.code) out.code = 'issued';
  return out;
}

async function activityWarnings(s: TestServer): Promise<string[]> {
  const entries = (await (await s.admin('/activity?limit=1')).json()) as Array<{ warnings: Array<{ code: string }> }>;
  return entries[0]!.warnings.map((w) => w.code);
}

describe('strict mode', () => {
  it('a missing scope: lenient grants the resource scopes with a warning, strict answers invalid_scope as the product does', async () => {
    expect(await outcome(await authorize(lenient, { scope: undefined }))).toEqual({ code: 'issued', state: 'xyz' });
    expect(await activityWarnings(lenient)).toContain('scope_missing');
    expect(await outcome(await authorize(strict, { scope: undefined }))).toEqual({
      error: 'invalid_scope',
      error_description: 'the requested scope is invalid or not allowed: scope parameter is required (oauth.require_scope=true)',
      state: 'xyz',
    });
  });

  it('a missing resource: lenient binds the only resource with a warning, strict refuses it', async () => {
    expect(await outcome(await authorize(lenient, { resource: undefined }))).toEqual({ code: 'issued', state: 'xyz' });
    expect(await activityWarnings(lenient)).toContain('resource_missing');
    expect(await outcome(await authorize(strict, { resource: undefined }))).toEqual({
      error: 'invalid_target',
      error_description: 'the resource parameter is required (strict mode): send resource=<registered URI> (RFC 8707)',
      state: 'xyz',
    });
  });

  it('the token endpoint refuses a normalised resource too, and the exact URI or slug still works', async () => {
    const redeem = async (s: TestServer, resource: string) => {
      const loc = new URL((await authorize(s, {})).headers.get('location')!);
      const res = await s.fetch('/oauth/token', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code: loc.searchParams.get('code')!, redirect_uri: CB, client_id: 'my-agent', code_verifier: VERIFIER, resource }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    expect((await redeem(lenient, 'HTTP://127.0.0.1:3001/mcp')).status).toBe(200);
    expect(await redeem(strict, 'HTTP://127.0.0.1:3001/mcp')).toMatchObject({
      status: 400,
      body: { error: 'invalid_target', error_description: `resource "HTTP://127.0.0.1:3001/mcp" is not registered; the closest registered resource is "${URI}" (mcp-a): they differ at character 1` },
    });
    expect((await redeem(strict, URI)).status).toBe(200);
    expect((await redeem(strict, 'mcp-a')).status).toBe(200);
    expect((await outcome(await authorize(strict, { resource: 'mcp-a' }))).code).toBe('issued');
  });
  it('a loopback http Client ID Metadata Document: lenient fetches it, strict requires https as the product does', async () => {
    let docUrl = '';
    const docs: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ client_id: docUrl, client_name: 'Doc agent', redirect_uris: [CB], token_endpoint_auth_method: 'none' }));
    });
    await new Promise<void>((r) => docs.listen(0, '127.0.0.1', r));
    docUrl = `http://127.0.0.1:${(docs.address() as AddressInfo).port}/client.json`;
    try {
      expect(await outcome(await authorize(lenient, { client_id: docUrl }))).toEqual({ code: 'issued', state: 'xyz' });
      const refused = await authorize(strict, { client_id: docUrl });
      expect(refused.status).toBe(400);
      expect(await refused.text()).toContain(`client_id &quot;${docUrl}&quot; is an http URL; Client ID Metadata Documents must be served over https (strict mode)`);
    } finally {
      await new Promise<void>((r) => docs.close(() => r()));
    }
  });

  it('a normalised resource (scheme or host case, the "/" of an origin-only URI): lenient accepts it with a warning, strict refuses it', async () => {
    expect(await outcome(await authorize(lenient, { resource: 'HTTP://127.0.0.1:3001/mcp' }))).toEqual({ code: 'issued', state: 'xyz' });
    expect(await activityWarnings(lenient)).toContain('resource_normalized');
    expect(await outcome(await authorize(strict, { resource: 'HTTP://127.0.0.1:3001/mcp' }))).toEqual({
      error: 'invalid_target',
      error_description: `resource "HTTP://127.0.0.1:3001/mcp" is not registered; the closest registered resource is "${URI}" (mcp-a): they differ at character 1`,
      state: 'xyz',
    });
    // Last test: a second resource (an origin-only URI) ends the "only resource" case above.
    const root = { slug: 'root', uri: 'http://127.0.0.1:4000', display_name: 'Root', scopes: [{ name: 'read' }] };
    await Promise.all([lenient.services.resources.create(root), strict.services.resources.create(root)]);
    expect(await outcome(await authorize(lenient, { resource: 'http://127.0.0.1:4000/' }))).toEqual({ code: 'issued', state: 'xyz' });
    expect(await outcome(await authorize(strict, { resource: 'http://127.0.0.1:4000/' }))).toEqual({
      error: 'invalid_target',
      error_description: 'resource "http://127.0.0.1:4000/" is not registered; the closest registered resource is "http://127.0.0.1:4000" (root): it has an extra trailing "/"',
      state: 'xyz',
    });
  });
});
