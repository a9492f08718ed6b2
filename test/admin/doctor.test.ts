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

  it('refuses a missing or malformed URL with invalid_request', async () => {
    const res = await s.admin('/doctor', { method: 'POST', body: JSON.stringify({ mcp_url: 'not a url' }) });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toBe('invalid_request');
  });
});
