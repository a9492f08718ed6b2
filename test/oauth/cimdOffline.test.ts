/**
 * Claude Code offline (issue 14): its default client_id is an https metadata document on
 * claude.ai. Without the internet AuthPlane cannot fetch it; the error page says the two ways that
 * work offline: `serve --no-cimd` (clients fall back to dynamic registration) or a pre-registered
 * client with `claude mcp add --client-id`. With metadata documents off, metadata stops
 * advertising them, nothing is fetched, and registration works. Real server, real HTTP; the
 * resolver answers as an offline machine does (ENOTFOUND).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSingleMcp, startTestServer, type TestServer } from '../helpers/server';

const CLAUDE = 'https://claude.ai/oauth/claude-code-client-metadata';
const CB = 'http://localhost:54212/callback';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const resolved: string[] = [];
const offline = async (host: string): Promise<string[]> => {
  resolved.push(host);
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
};

let on: TestServer;
let off: TestServer;
beforeAll(async () => {
  [on, off] = await Promise.all([startTestServer({ resolve: offline }), startTestServer({ resolve: offline, cimd: false })]);
  await Promise.all([seedSingleMcp(on), seedSingleMcp(off)]);
});
afterAll(async () => {
  await on?.stop();
  await off?.stop();
});

function authorize(s: TestServer, clientId: string) {
  const q = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: CB, scope: 'read', state: 'st', code_challenge: CHALLENGE, code_challenge_method: 'S256', resource: 'http://127.0.0.1:3001/mcp' });
  return s.fetch(`/oauth/authorize?${q}`, { redirect: 'manual', headers: { accept: 'text/html' } });
}

const unescape = (t: string) => t.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

describe('a metadata document that cannot be fetched (offline)', () => {
  it('the page says the host does not resolve, and which two ways work offline', async () => {
    const res = await authorize(on, CLAUDE);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(unescape(/<p class="error-desc">(.*?)<\/p>/s.exec(html)![1]!)).toBe(`client_id "${CLAUDE}": the host claude.ai does not resolve`);
    const hints = [...html.matchAll(/<p class="hint">(.*?)<\/p>/gs)].map((m) => unescape(m[1]!));
    expect(hints).toEqual([
      'Without internet access the metadata document cannot be fetched. Two ways work offline:',
      '1. Let the client register itself: restart AuthPlane with <code>authserver serve --no-cimd</code> (or <code>no-cimd: true</code> in the <code>--config</code> file). Its metadata then stops advertising Client ID Metadata Documents, and the client falls back to dynamic registration (remove and add the MCP server in the client again so it rediscovers).',
      '2. Pre-register the client and give it that id: <code>authserver admin client create --name "Claude Code" --client-id demo-agent --redirect-uris http://localhost:PORT/callback</code>, then <code>claude mcp add --transport http --client-id demo-agent --callback-port PORT NAME URL</code> (the same PORT in both).',
    ]);
    expect(html).toContain('<p class="code">error: <code>invalid_client</code></p>');
  });

  it('the advice works: a pre-registered demo-agent with the callback port authorizes without the internet', async () => {
    const created = await on.admin('/clients', { method: 'POST', body: JSON.stringify({ client_name: 'Claude Code', client_id: 'demo-agent', redirect_uris: [CB] }) });
    expect(created.status).toBe(201);
    const res = await authorize(on, 'demo-agent');
    expect(res.status).toBe(303);
    expect(new URL(res.headers.get('location')!).searchParams.get('code')).toBeTruthy();
  });
});

describe('serve --no-cimd', () => {
  it('metadata does not advertise metadata documents; registration stays', async () => {
    const m = await (await off.fetch('/.well-known/oauth-authorization-server')).json();
    expect(m).not.toHaveProperty('client_id_metadata_document_supported');
    expect(m.registration_endpoint).toBe(`${off.issuer}/oauth/register`);
    expect((await (await on.fetch('/.well-known/oauth-authorization-server')).json()).client_id_metadata_document_supported).toBe(true);
  });

  it('a document URL sent anyway is not fetched: the page says to register instead', async () => {
    const before = resolved.length;
    const res = await authorize(off, CLAUDE);
    expect(res.status).toBe(400);
    const html = unescape(await res.text());
    expect(html).toContain(
      `<p class="error-desc">Client ID '${CLAUDE}' is a Client ID Metadata Document URL, but this server does not fetch metadata documents (serve --no-cimd); the client should register with POST /oauth/register (dynamic registration), or be pre-registered with \`authserver admin client create\`</p>`,
    );
    expect(resolved.length).toBe(before);
  });

  it('the fallback a client takes works: it registers and authorizes', async () => {
    const reg = await off.fetch('/oauth/register', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_name: 'Claude Code', redirect_uris: [CB], application_type: 'native' }) });
    expect(reg.status).toBe(201);
    const { client_id } = await reg.json();
    const res = await authorize(off, client_id);
    expect(res.status).toBe(303);
    expect(new URL(res.headers.get('location')!).searchParams.get('code')).toBeTruthy();
  });
});
