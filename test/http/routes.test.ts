/**
 * Every route (server/http/routes.ts, one find-my-way table inside the Koa app) matches as
 * @koa/router did before it: a known path with another
 * method is a 405 OAuth error naming the allowed methods, OPTIONS lists them, HEAD is served by
 * GET, case and a trailing slash do not matter, and a percent-escaped path is no route.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s?.stop());

interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(method: string, path: string, headers: Record<string, string> = {}): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: s.port, method, path, headers: { accept: 'application/json', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

const problem = (status: number, error: string, error_description: string, title: string) => ({ error, error_description, status, title });

describe('public routes: methods', () => {
  it('GET /oauth/token: 405 method_not_allowed, Allow: POST', async () => {
    const r = await send('GET', '/oauth/token');
    expect(r.status).toBe(405);
    expect(r.headers.allow).toBe('POST');
    expect(JSON.parse(r.body)).toEqual(problem(405, 'method_not_allowed', 'GET is not allowed on /oauth/token (allowed: POST)', 'Method Not Allowed'));
  });

  it('DELETE /oauth/authorize: 405, Allow: HEAD, GET, POST', async () => {
    const r = await send('DELETE', '/oauth/authorize');
    expect(r.status).toBe(405);
    expect(r.headers.allow).toBe('HEAD, GET, POST');
    expect(JSON.parse(r.body)).toEqual(problem(405, 'method_not_allowed', 'DELETE is not allowed on /oauth/authorize (allowed: HEAD, GET, POST)', 'Method Not Allowed'));
  });

  it('a method no router implements (PROPFIND) on /oauth/token: the same 405', async () => {
    const r = await send('PROPFIND', '/oauth/token');
    expect(r.status).toBe(405);
    expect(JSON.parse(r.body)).toEqual(problem(405, 'method_not_allowed', 'PROPFIND is not allowed on /oauth/token (allowed: POST)', 'Method Not Allowed'));
  });

  it('OPTIONS on a non-CORS public route: 200 with Allow and an empty body', async () => {
    const r = await send('OPTIONS', '/oauth/authorize');
    expect(r.status).toBe(200);
    expect(r.headers.allow).toBe('HEAD, GET, POST');
    expect(r.body).toBe('');
  });

  it('OPTIONS on a CORS route: the preflight, not the Allow list', async () => {
    const r = await send('OPTIONS', '/oauth/token', { origin: 'http://localhost:6274' });
    expect(r.status).toBe(204);
    expect(r.headers['access-control-allow-methods']).toBe('GET, POST, OPTIONS');
    expect(r.headers.allow).toBeUndefined();
  });

  it('HEAD /health: GET without a body', async () => {
    const r = await send('HEAD', '/health');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(r.body).toBe('');
  });
});

describe('public routes: paths', () => {
  it('case and a trailing slash do not matter', async () => {
    for (const p of ['/HEALTH', '/health/', '/.well-known/OAUTH-authorization-server/']) {
      const r = await send('GET', p);
      expect(r.status, p).toBe(200);
    }
    const t = await send('GET', '/OAuth/Token/');
    expect(t.status).toBe(405);
  });

  it('a percent-escaped path is no route: 404 not_found', async () => {
    const r = await send('GET', '/%68ealth');
    expect(r.status).toBe(404);
    expect(JSON.parse(r.body)).toEqual(problem(404, 'not_found', 'no route for GET /%68ealth', 'Not Found'));
  });

  it('a query string does not change the route', async () => {
    const r = await send('GET', '/health?x=1');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).status).toBe('ok');
  });

  it('an unknown path with a known method: 404 not_found, no Allow', async () => {
    const r = await send('POST', '/oauth/nothing');
    expect(r.status).toBe(404);
    expect(r.headers.allow).toBeUndefined();
    expect(JSON.parse(r.body)).toEqual(problem(404, 'not_found', 'no route for POST /oauth/nothing', 'Not Found'));
  });
});

describe('admin API and UI routes: the same table', () => {
  const bearer = () => ({ authorization: `Bearer ${s.adminToken}` });

  it('an admin parameter arrives percent-decoded (a CIMD client id is a URL)', async () => {
    const id = 'https://client.example/meta.json';
    const r = await send('GET', `/admin/api/clients/${encodeURIComponent(id)}`, bearer());
    expect(r.status).toBe(404);
    expect(JSON.parse(r.body)).toEqual(problem(404, 'not_found', `client "${id}" not found`, 'Not Found'));
  });

  it('a percent-escaped admin path is no route: after the token check, the admin 404', async () => {
    expect((await send('GET', '/admin/api/%73tatus')).status).toBe(401);
    const r = await send('GET', '/admin/api/%73tatus', bearer());
    expect(r.status).toBe(404);
    expect(JSON.parse(r.body)).toEqual(problem(404, 'not_found', 'no admin route for GET /admin/api/%73tatus', 'Not Found'));
    expect((await send('GET', '/admin/API/Status/', bearer())).status).toBe(200);
  });

  it('a UI path with another method: 405 with Allow; OPTIONS lists it; an unknown /ui/api path is a JSON 404', async () => {
    const post = await send('POST', '/ui/');
    expect([post.status, post.headers.allow]).toEqual([405, 'HEAD, GET']);
    const options = await send('OPTIONS', '/ui/assets/app.js');
    expect([options.status, options.headers.allow, options.body]).toEqual([200, 'HEAD, GET', '']);
    const none = await send('GET', '/ui/api/nothing');
    expect(JSON.parse(none.body)).toEqual(problem(404, 'not_found', 'no UI route for GET /ui/api/nothing', 'Not Found'));
  });
});
