/**
 * The doctor on a gateway (mcp-gateway-mint): after the usual walk, one more step checks that
 * the exchange the gateway depends on can succeed; a broken exchange policy is a ✗ with the fix.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTopologyDemo, type TopologyDemo } from '../../server/demo/topology';
import { runDoctor } from '../../server/doctor';
import { silentLogger } from '../../server/log';

let d: TopologyDemo;
beforeAll(async () => {
  d = await startTopologyDemo('mcp-gateway-mint', { port: 0, mcpPort: 0, consent: 'auto', log: silentLogger });
}, 60_000);
afterAll(() => d?.close());

const doctor = (mcpUrl: string) => runDoctor({ mcpUrl, issuer: d.issuer, adminToken: d.server.adminToken });

describe('doctor on a gateway', () => {
  it('walks the gateway like any MCP server, then passes the exchange check', async () => {
    const r = await doctor(d.servers[0]!.url);
    expect(r.steps.map((s) => s.id).slice(-2)).toEqual(['expired', 'gateway_exchange']);
    expect(r.ok).toBe(true);
    expect(r.steps.at(-1)).toMatchObject({ status: 'pass', detail: 'fronts "rest-api" (scope map read:read,write:write) through mcp-gw-client' });
  });

  it('the hidden server is not a gateway: its report has no extra step', async () => {
    const r = await doctor(d.hidden!.url);
    expect(r.steps.map((s) => s.id)).not.toContain('gateway_exchange');
  });

  it('an exchange policy naming no usable client is a failure with the fix', async () => {
    await d.server.services.resources.update('rest-api', { policy: { exchange: { allowed_client_ids: ['gone'] } } });
    try {
      const r = await doctor(d.servers[0]!.url);
      expect(r.ok).toBe(false);
      expect(r.steps.at(-1)).toEqual({
        id: 'gateway_exchange',
        title: 'Gateway can exchange user tokens for the servers it fronts (RFC 8693)',
        status: 'fail',
        detail: '"rest-api" lets only gone exchange, and none of them is an active confidential client with the token-exchange grant',
        fix: "create the gateway's client: authserver admin client create --name mcp-gw --grant-types urn:ietf:params:oauth:grant-type:token-exchange --auth-method client_secret_basic, then authserver admin resource update rest-api --policy-allowed-clients <its client_id>",
        duration_ms: expect.any(Number),
      });
      await d.server.services.resources.update('rest-api', { policy: { exchange: { allowed_client_ids: [] } } });
      const open = await doctor(d.servers[0]!.url);
      expect(open.steps.at(-1)).toMatchObject({ status: 'warn', fix: 'pin the gateway\'s client: authserver admin resource update rest-api --policy-allowed-clients mcp-gw-client' });
    } finally {
      await d.server.services.resources.update('rest-api', { policy: { exchange: { allowed_client_ids: ['mcp-gw-client'] } } });
    }
  });
});
