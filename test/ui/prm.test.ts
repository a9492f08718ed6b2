/** The Protected Resource Metadata the window shows for a resource, ready to paste. */
import { describe, expect, it } from 'vitest';
import type { Resource } from '../../server/contracts';
import { expectedPrm } from '../../server/ui/prm';

const ISSUER = 'http://127.0.0.1:9000';
const r: Resource = { id: 'r1', slug: 'mcp-a', uri: 'http://127.0.0.1:3001/mcp', backend_kind: 'mint', display_name: 'MCP A', scopes: [{ name: 'read' }, { name: 'write' }], created_at: '2026-11-26T00:00:00.000Z', updated_at: '2026-11-26T00:00:00.000Z' };
const expected = expectedPrm(r, ISSUER);

describe('expectedPrm', () => {
  it('is the SDK document, at the path-aware well-known URL', () => {
    expect(expected.prm_url).toBe('http://127.0.0.1:3001/.well-known/oauth-protected-resource/mcp');
    expect(expected.document).toMatchObject({ resource: r.uri, authorization_servers: [ISSUER], scopes_supported: ['read', 'write'], resource_name: 'MCP A' });
    expect(JSON.parse(expected.text)).toEqual(expected.document);
  });
});
