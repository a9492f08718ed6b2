/**
 * The window's "Check my MCP server" is the doctor walk: where a step compares two strings byte
 * for byte, the report carries both (the window marks the differing characters), and a hostile
 * metadata document ends the step instead of the walk.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DoctorReport, DoctorStepId } from '../../server/contracts/doctor';
import { runDoctor } from '../../server/doctor';
import { startTestServer, type TestServer } from '../helpers/server';
import { endless, gzipBomb, startHostileServer } from '../net/hostileServer';
import { startBrokenServer, type Breakage, type BrokenServer } from './brokenServer';

let s: TestServer;
const toClose: BrokenServer[] = [];

beforeAll(async () => {
  s = await startTestServer({ consent: 'prompt' });
});
afterAll(async () => {
  await Promise.all(toClose.map((b) => b.close()));
  await s?.stop();
});

const doctor = (mcpUrl: string) => runDoctor({ mcpUrl, issuer: s.issuer, adminToken: s.adminToken });
const stepOf = (r: DoctorReport, id: DoctorStepId) => r.steps.find((x) => x.id === id)!;

async function broken(slug: string, b: Breakage, registerAs: (url: string) => string = (u) => u) {
  const srv = await startBrokenServer(s.issuer, b);
  toClose.push(srv);
  await s.services.resources.create({ slug, uri: registerAs(srv.url), scopes: [{ name: 'read' }, { name: 'write' }] });
  return srv;
}

describe('steps that compare byte for byte carry both strings', () => {
  it('the published resource against the registered URI', async () => {
    const b = await broken('cmp-slash', { prmResource: (u) => `${u}/` });
    const step = stepOf(await doctor(b.url), 'resource_registered');
    expect(step).toMatchObject({ status: 'fail', compared: { label: 'registered URI (cmp-slash)', expected: b.url, actual: `${b.url}/` } });
  });
  it('the listed authorization server against the issuer', async () => {
    const b = await broken('cmp-issuer', { authorizationServers: (i) => [`${i}/`] });
    const step = stepOf(await doctor(b.url), 'authorization_servers');
    expect(step).toMatchObject({ status: 'fail', compared: { label: 'issuer', expected: s.issuer, actual: `${s.issuer}/` } });
  });
  it('passing steps carry none', async () => {
    const b = await broken('cmp-ok', {});
    const r = await doctor(b.url);
    expect(r.steps.filter((x) => x.compared)).toEqual([]);
  });
});

describe('a hostile metadata document', () => {
  it('an endless or gzip-bombed PRM fails the prm step, asking for identity, and the walk goes on', async () => {
    const challenge = (path: string) => ({ 'www-authenticate': `Bearer resource_metadata="${mcp.origin}/.well-known/oauth-protected-resource/${path}"` });
    const mcp = await startHostileServer({
      '/endless': (_req, res) => res.writeHead(401, challenge('endless')).end(),
      '/bomb': (_req, res) => res.writeHead(401, challenge('bomb')).end(),
      '/.well-known/oauth-protected-resource/endless': (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        endless(res);
      },
      '/.well-known/oauth-protected-resource/bomb': (_req, res) => {
        const body = gzipBomb(64 * 1024 * 1024);
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': String(body.length) }).end(body);
      },
    });
    try {
      for (const path of ['endless', 'bomb']) {
        const r = await doctor(`${mcp.origin}/${path}`);
        const url = `${mcp.origin}/.well-known/oauth-protected-resource/${path}`;
        expect(stepOf(r, 'prm')).toMatchObject({ status: 'fail', detail: `${url} is not a JSON object (content-type application/json)` });
        expect(r.steps).toHaveLength(15);
        expect((await mcp.visit(`/.well-known/oauth-protected-resource/${path}`)).headers['accept-encoding']).toBe('identity');
      }
      await (await mcp.visit('/.well-known/oauth-protected-resource/endless')).closed;
    } finally {
      await mcp.close();
    }
  });
});
