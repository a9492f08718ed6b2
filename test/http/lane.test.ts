/**
 * The lane (GET/POST /oauth/authorize, POST /oauth/token without Koa) answers exactly like the Koa
 * app it bypasses: the same requests sent to `serve`'s listener and to a Koa-only server on the
 * same services give the same status, headers and body (codes and tokens aside).
 */
import { createServer, request, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app';
import { seedSingleMcp, startTestServer, type TestServer } from '../helpers/server';

let s: TestServer;
let koaOnly: Server;
let koaPort: number;
let lanePort: number;

beforeAll(async () => {
  s = await startTestServer();
  await seedSingleMcp(s);
  await s.services.clients.create({ client_name: 'conf', client_id: 'conf', redirect_uris: ['http://127.0.0.1:8765/callback'], grant_types: ['authorization_code', 'refresh_token'], token_endpoint_auth_method: 'client_secret_basic', client_secret: 's3cret-s3cret' } as never);
  koaOnly = createServer(createApp(s.services, { adminToken: s.adminToken, ui: false }).callback());
  await new Promise<void>((r) => koaOnly.listen(0, '127.0.0.1', r));
  koaPort = (koaOnly.address() as AddressInfo).port;
  lanePort = s.port;
});
afterAll(async () => {
  koaOnly?.closeAllConnections();
  await new Promise((r) => koaOnly?.close(r));
  await s?.stop();
});

interface Req {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}
interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(port: number, r: Req): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: r.method, path: r.path, headers: { host: `127.0.0.1:${lanePort}`, ...r.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: { ...res.headers }, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(r.body);
  });
}

/** Codes, tokens and timings differ between two runs; everything else must not. */
function normalize(r: Res): Res {
  const h = { ...r.headers };
  delete h.date;
  delete h.connection;
  delete h['keep-alive'];
  const scrub = (v: string) => v.replace(/code=[^&"\s.]+/g, 'code=X').replace(/"(access_token|refresh_token)":"[^"]+"/g, '"$1":"X"');
  if (typeof h.location === 'string') h.location = scrub(h.location);
  const body = scrub(r.body);
  if (h['content-length'] !== undefined && body !== r.body) delete h['content-length'];
  return { status: r.status, headers: h, body };
}

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

const RES = encodeURIComponent('http://127.0.0.1:3001/mcp');
const CB = encodeURIComponent('http://127.0.0.1:8765/callback');
const authorizeQuery = (challenge: string, extra = '') => `/oauth/authorize?response_type=code&client_id=my-agent&redirect_uri=${CB}&scope=read&resource=${RES}&state=st&code_challenge=${challenge}&code_challenge_method=S256${extra}`;
const form = { 'content-type': 'application/x-www-form-urlencoded' };

async function both(r: Req): Promise<[Res, Res]> {
  return [normalize(await send(lanePort, r)), normalize(await send(koaPort, r))];
}

describe('the lane answers like Koa', () => {
  const { challenge } = pkce();
  const cases: Array<[string, Req]> = [
    ['authorize: a code (no Accept)', { method: 'GET', path: authorizeQuery(challenge) }],
    ['authorize: a code (browser Accept)', { method: 'GET', path: authorizeQuery(challenge), headers: { accept: 'text/html,application/xhtml+xml' } }],
    ['authorize: a code (JSON Accept)', { method: 'GET', path: authorizeQuery(challenge), headers: { accept: 'application/json' } }],
    ['authorize: POST form', { method: 'POST', path: '/oauth/authorize', headers: form, body: authorizeQuery(challenge).split('?')[1] }],
    ['authorize: unknown client, page', { method: 'GET', path: authorizeQuery(challenge).replace('my-agent', 'nobody'), headers: { accept: 'text/html' } }],
    ['authorize: unknown client, JSON', { method: 'GET', path: authorizeQuery(challenge).replace('my-agent', 'nobody') }],
    ['authorize: unregistered redirect', { method: 'GET', path: authorizeQuery(challenge).replace(CB, encodeURIComponent('http://127.0.0.1:9/cb')) }],
    ['authorize: no PKCE, back to the client', { method: 'GET', path: authorizeQuery('').replace('&code_challenge=&', '&') }],
    ['authorize: repeated parameter', { method: 'GET', path: authorizeQuery(challenge, '&scope=write') }],
    ['authorize: unknown resource', { method: 'GET', path: authorizeQuery(challenge).replace(RES, encodeURIComponent('http://127.0.0.1:3001/mcp/')) }],
    ['authorize: unknown scope', { method: 'GET', path: authorizeQuery(challenge).replace('scope=read', 'scope=admin') }],
    ['authorize: foreign Host', { method: 'GET', path: authorizeQuery(challenge), headers: { host: 'evil.example' } }],
    ['authorize: POST without a form', { method: 'POST', path: '/oauth/authorize', headers: { 'content-type': 'text/plain' }, body: 'x' }],
    ['token: no content type', { method: 'POST', path: '/oauth/token', body: 'grant_type=authorization_code' }],
    ['token: JSON body', { method: 'POST', path: '/oauth/token', headers: { 'content-type': 'application/json' }, body: '{"grant_type":"authorization_code"}' }],
    ['token: no grant_type', { method: 'POST', path: '/oauth/token', headers: form, body: 'code=x' }],
    ['token: unsupported grant', { method: 'POST', path: '/oauth/token', headers: form, body: 'grant_type=password&client_id=my-agent' }],
    ['token: unknown code', { method: 'POST', path: '/oauth/token', headers: { ...form, origin: 'http://localhost:6274' }, body: `grant_type=authorization_code&client_id=my-agent&code=nope&code_verifier=${'a'.repeat(43)}` }],
    ['token: unknown refresh token', { method: 'POST', path: '/oauth/token', headers: form, body: 'grant_type=refresh_token&client_id=my-agent&refresh_token=nope' }],
    ['token: wrong client secret', { method: 'POST', path: '/oauth/token', headers: { ...form, authorization: `Basic ${Buffer.from('conf:wrong').toString('base64')}` }, body: 'grant_type=refresh_token&refresh_token=x' }],
    ['token: unknown client', { method: 'POST', path: '/oauth/token', headers: form, body: 'grant_type=authorization_code&client_id=ghost&code=x&code_verifier=y' }],
    ['token: body too large', { method: 'POST', path: '/oauth/token', headers: form, body: `grant_type=authorization_code&code=${'x'.repeat(70 * 1024)}` }],
    ['token: invalid UTF-8', { method: 'POST', path: '/oauth/token', headers: form, body: 'grant_type=%FF%FE' }],
    ['token: foreign Host', { method: 'POST', path: '/oauth/token', headers: { ...form, host: 'evil.example' }, body: 'grant_type=refresh_token' }],
  ];
  for (const [name, r] of cases) {
    it(name, async () => {
      const [lane, koa] = await both(r);
      expect(lane).toEqual(koa);
    });
  }

  it('token: a whole flow, then a refresh', async () => {
    const run = async (port: number) => {
      const p = pkce();
      const a = await send(port, { method: 'GET', path: authorizeQuery(p.challenge) });
      const code = /code=([^&]+)/.exec(a.headers.location as string)![1]!;
      const t = await send(port, { method: 'POST', path: '/oauth/token', headers: form, body: `grant_type=authorization_code&client_id=my-agent&code=${code}&code_verifier=${p.verifier}&redirect_uri=${CB}&resource=${RES}` });
      const rt = (JSON.parse(t.body) as { refresh_token: string }).refresh_token;
      const r = await send(port, { method: 'POST', path: '/oauth/token', headers: { ...form, origin: 'http://localhost:6274' }, body: `grant_type=refresh_token&client_id=my-agent&refresh_token=${encodeURIComponent(rt)}` });
      return [normalize(a), normalize(t), normalize(r)];
    };
    const lane = await run(lanePort);
    const koa = await run(koaPort);
    expect(lane[1]!.status).toBe(200);
    expect(lane[2]!.status).toBe(200);
    expect(lane[2]!.headers['access-control-allow-origin']).toBe('*');
    expect(lane).toEqual(koa);
  });

  it('a client that goes away in the middle of its body ends the request (logged), and the server carries on', async () => {
    const aborted = () => s.services.activity.list().filter((e) => e.path === '/oauth/token' && e.error_description === 'request aborted');
    const before = aborted().length;
    const sock = connect(lanePort, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    sock.write(`POST /oauth/token HTTP/1.1\r\nHost: 127.0.0.1:${lanePort}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ngrant_type`);
    await new Promise((r) => setTimeout(r, 50));
    sock.destroy();
    await expect.poll(() => aborted().length, { timeout: 5000 }).toBe(before + 1);
    expect(aborted()[0]).toMatchObject({ method: 'POST', status: 400, error: 'invalid_request' });
    expect((await send(lanePort, { method: 'POST', path: '/oauth/token', headers: form, body: 'grant_type=password' })).status).toBe(400);
  });

  it('records lane requests in the activity log like any other', async () => {
    await send(lanePort, { method: 'POST', path: '/oauth/token', headers: form, body: 'grant_type=password' });
    const entries = s.services.activity.list().filter((e) => e.path === '/oauth/token' && e.error === 'unsupported_grant_type');
    expect(entries.length).toBeGreaterThan(0);
    expect(entries[0]).toMatchObject({ method: 'POST', status: 400, error: 'unsupported_grant_type' });
  });
});
