/**
 * The window's doctor run as a flow of kind `doctor`: its walk on the MCP server's side (401,
 * Protected Resource Metadata, calls with test tokens) and AuthPlane's, in timeline form, with
 * the doctor's verdict and its finding on the exchange it concerns. Secrets masked as anywhere.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExampleMcpServer, type ExampleMcpServer } from '../../examples/mcp-server/server';
import type { Flow, FlowSummary } from '../../server/contracts/flows';
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

async function doctorFlow(): Promise<{ report: { ok: boolean; steps: Array<{ status: string; title: string; detail: string; fix?: string }> }; flow: Flow; revealed: Flow }> {
  const report = await (await s.admin('/doctor', { method: 'POST', body: JSON.stringify({ mcp_url: mcp.url }) })).json();
  const list = ((await (await s.admin('/flows')).json()) as FlowSummary[]).filter((f) => f.kind === 'doctor');
  const id = list[0]!.id;
  return { report, flow: await (await s.admin(`/flows/${id}`)).json(), revealed: await (await s.admin(`/flows/${id}?reveal=true`)).json() };
}

describe('doctor runs in the flow timeline', () => {
  it('a passing walk is a succeeded doctor flow: the MCP server’s 401 and PRM, then AuthPlane, in order; tokens masked', async () => {
    const { report, flow, revealed } = await doctorFlow();
    expect(report.ok).toBe(true);
    expect(flow).toMatchObject({ kind: 'doctor', client_id: 'authplane-doctor', resource: mcp.resource, outcome: 'succeeded', failed_step_id: null });
    const mcpSteps = flow.steps.filter((x) => x.endpoint === 'mcp');
    expect(mcpSteps[0]).toMatchObject({ method: 'POST', url: mcp.url, status: 401, ok: false });
    expect(mcpSteps.some((x) => x.url.includes('/.well-known/oauth-protected-resource') && x.status === 200)).toBe(true);
    expect(flow.steps.some((x) => x.endpoint === 'metadata' && x.status === 200)).toBe(true);
    expect(flow.steps.some((x) => x.endpoint === 'jwks' && x.status === 200)).toBe(true);
    // The calls with a token carry it as a Bearer: shown masked, there when revealed.
    const bearer = revealed.steps.flatMap((x) => x.exchange.request.headers).find((h) => h.name === 'authorization' && /^Bearer ey/.test(h.value))!.value.slice(7);
    expect(JSON.stringify(revealed)).toContain(bearer);
    expect(JSON.stringify(flow)).not.toContain(bearer);
    expect(JSON.stringify(flow)).not.toContain(s.adminToken);
  });

  it('a failing walk is a failed doctor flow whose blamed exchange carries the doctor’s finding and fix', async () => {
    await s.services.resources.update('mcp-a', { uri: mcp.resource + '/' });
    try {
      const { report, flow } = await doctorFlow();
      expect(report.ok).toBe(false);
      const failedCheck = report.steps.find((x) => x.status === 'fail')!;
      expect(flow.outcome).toBe('failed');
      const blamed = flow.steps.find((x) => x.id === flow.failed_step_id)!;
      expect(blamed.explanation).toEqual({ check: failedCheck.title, detail: failedCheck.detail, ...(failedCheck.fix ? { fix: failedCheck.fix } : {}) });
      expect(`${blamed.explanation!.detail} ${blamed.explanation!.fix ?? ''}`).toContain(mcp.resource);
    } finally {
      await s.services.resources.update('mcp-a', { uri: mcp.resource });
    }
  });
});
