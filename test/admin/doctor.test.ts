import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExampleMcpServer, type ExampleMcpServer } from '../../examples/mcp-server/server';
import { startTestServer, type TestServer } from '../helpers/server';

let s: TestServer;
let mcp: ExampleMcpServer;

beforeAll(async () => {
  s = await startTestServer({ consent: 'prompt' });
  mcp = await startExampleMcpServer({ issuer: s.issuer });
  await s.services.resources.create({ slug: 'mcp-a', uri: mcp.resource, scopes: [{ name: 'read' }, { name: 'write' }] });
});
afterAll(async () => {
  await mcp?.close();
  await s?.stop();
});

describe('POST /admin/api/doctor (the window’s check)', () => {
  it('walks a correct MCP server to all ✓', async () => {
    const res = await s.admin('/doctor', { method: 'POST', body: JSON.stringify({ mcp_url: mcp.url }) });
    expect(res.status).toBe(200);
    const report = await res.json();
    expect(report.ok).toBe(true);
    expect(report.steps.filter((x: { status: string }) => x.status === 'fail')).toEqual([]);
  });

  it('names the byte difference when the registered URI differs from the PRM', async () => {
    await s.services.resources.update('mcp-a', { uri: mcp.resource + '/' });
    const report = await (await s.admin('/doctor', { method: 'POST', body: JSON.stringify({ mcp_url: mcp.url }) })).json();
    await s.services.resources.update('mcp-a', { uri: mcp.resource });
    expect(report.ok).toBe(false);
    const failed = report.steps.find((x: { status: string }) => x.status === 'fail');
    expect(failed.detail + ' ' + (failed.fix ?? '')).toContain(mcp.resource);
  });

  it('checks against the revision asked for (protocol), like `authserver doctor --protocol`', async () => {
    const old = await startExampleMcpServer({ issuer: s.issuer, protocol: '2025-11-25' });
    await s.services.resources.create({ slug: 'mcp-old', uri: old.resource, scopes: [{ name: 'read' }, { name: 'write' }] });
    try {
      const walk = async (protocol?: string) => (await s.admin('/doctor', { method: 'POST', body: JSON.stringify({ mcp_url: old.url, protocol }) })).json();
      expect(await walk('2025-11-25')).toMatchObject({ ok: true, protocol: '2025-11-25', mcp_protocols: ['2025-11-25'] });
      const required = await walk('2026-07-28');
      expect(required).toMatchObject({ ok: false, protocol: '2026-07-28', mcp_protocols: ['2025-11-25'] });
      expect(required.steps.find((x: { id: string }) => x.id === 'protocol').status).toBe('fail');
      const res = await s.admin('/doctor', { method: 'POST', body: JSON.stringify({ mcp_url: old.url, protocol: '2024-11-05' }) });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'invalid_request', error_description: 'protocol: expected one of 2026-07-28, 2025-11-25' });
    } finally {
      await s.services.resources.delete('mcp-old');
      await old.close();
    }
  });

  it('refuses a missing or malformed URL with invalid_request', async () => {
    const res = await s.admin('/doctor', { method: 'POST', body: JSON.stringify({ mcp_url: 'not a url' }) });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toBe('invalid_request');
  });
});
