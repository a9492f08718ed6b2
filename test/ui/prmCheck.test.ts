/** "Check my MCP server": the byte-for-byte comparison of a fetched PRM with the expected one. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Resource } from '../../server/contracts';
import { checkPrm, comparePrm, expectedPrm } from '../../server/ui/prmCheck';
import { endless, gzipBomb, startHostileServer } from '../net/hostileServer';

const ISSUER = 'http://127.0.0.1:9000';
const r: Resource = { id: 'r1', slug: 'mcp-a', uri: 'http://127.0.0.1:3001/mcp', backend_kind: 'mint', display_name: 'MCP A', scopes: [{ name: 'read' }, { name: 'write' }], created_at: '2026-11-26T00:00:00.000Z', updated_at: '2026-11-26T00:00:00.000Z' };
const expected = expectedPrm(r, ISSUER);
const doc = (over: Record<string, unknown>) => JSON.stringify({ ...expected.document, ...over });
const find = (checks: ReturnType<typeof comparePrm>, id: string) => checks.find((c) => c.id === id)!;

describe('expectedPrm', () => {
  it('is the SDK document, at the path-aware well-known URL', () => {
    expect(expected.prm_url).toBe('http://127.0.0.1:3001/.well-known/oauth-protected-resource/mcp');
    expect(expected.document).toMatchObject({ resource: r.uri, authorization_servers: [ISSUER], scopes_supported: ['read', 'write'], resource_name: 'MCP A' });
    expect(JSON.parse(expected.text)).toEqual(expected.document);
  });
});

describe('comparePrm', () => {
  it('passes the expected document', () => {
    expect(comparePrm(expected, expected.text, ISSUER).every((c) => c.ok)).toBe(true);
  });
  it('fails a resource that differs by one character', () => {
    const c = find(comparePrm(expected, doc({ resource: `${r.uri}/` }), ISSUER), 'resource');
    expect(c).toMatchObject({ ok: false, severity: 'error', expected: r.uri, actual: `${r.uri}/` });
  });
  it('fails an issuer with a trailing slash and says so', () => {
    const c = find(comparePrm(expected, doc({ authorization_servers: [`${ISSUER}/`] }), ISSUER), 'authorization_servers');
    expect(c.ok).toBe(false);
    expect(c.detail).toContain('trailing slash');
  });
  it('flags scopes outside the catalog as errors and missing ones as warnings', () => {
    expect(find(comparePrm(expected, doc({ scopes_supported: ['read', 'admin'] }), ISSUER), 'scopes_supported')).toMatchObject({ ok: false, severity: 'error' });
    expect(find(comparePrm(expected, doc({ scopes_supported: ['read'] }), ISSUER), 'scopes_supported')).toMatchObject({ ok: false, severity: 'warning' });
  });
  it('refuses what is not a JSON object', () => {
    expect(comparePrm(expected, '<html>', ISSUER)).toEqual([expect.objectContaining({ id: 'json', ok: false })]);
  });
});

describe('checkPrm against a hostile MCP server', () => {
  it('stops reading an endless or gzip-bombed document at 64 KB, asking for identity', async () => {
    const mcp = await startHostileServer({
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
        const url = `${mcp.origin}/.well-known/oauth-protected-resource/${path}`;
        const out = await checkPrm({ ...r, uri: `${mcp.origin}/${path}` }, ISSUER);
        expect(out.tried).toEqual([{ url, error: 'the document is larger than the 64 KB limit' }]);
        expect(find(out.checks, 'reachable')).toMatchObject({ ok: false, severity: 'error', detail: `${url}: the document is larger than the 64 KB limit.` });
        expect((await mcp.visit(`/.well-known/oauth-protected-resource/${path}`)).headers['accept-encoding']).toBe('identity');
      }
      await (await mcp.visit('/.well-known/oauth-protected-resource/endless')).closed;
    } finally {
      await mcp.close();
    }
  });
});

describe('checkPrm', () => {
  it('says a refused connection in one sentence, without a stray full stop after the question', async () => {
    // A port that was just free: nothing listens there.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const down: Resource = { ...r, uri: `http://127.0.0.1:${port}/mcp` };
    const result = await checkPrm(down, ISSUER);
    const prmUrl = `http://127.0.0.1:${port}/.well-known/oauth-protected-resource/mcp`;
    expect(result.ok).toBe(false);
    expect(result.checks).toEqual([expect.objectContaining({ id: 'reachable', ok: false, severity: 'error', title: 'No Protected Resource Metadata found', detail: `${prmUrl}: connection refused: is your MCP server running?` })]);
  });
});
