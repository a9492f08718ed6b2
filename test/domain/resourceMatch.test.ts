import { describe, expect, it } from 'vitest';
import { describeDifference, matchResource } from '../../server/domain/resourceMatch';
import type { Resource } from '../../server/contracts';

const r = (slug: string, uri: string, extra: Partial<Resource> = {}): Resource => ({ id: slug, slug, uri, backend_kind: 'mint', display_name: slug, scopes: [], created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z', ...extra });

const A = r('mcp-a', 'http://127.0.0.1:3001/mcp');
const ORIGIN = r('origin', 'https://mcp.example.com');

describe('matchResource', () => {
  it('matches the URI byte for byte first', () => {
    expect(matchResource('http://127.0.0.1:3001/mcp', [A, ORIGIN])).toEqual({ resource: A, how: 'exact' });
  });

  it('accepts the slug', () => {
    expect(matchResource('mcp-a', [A, ORIGIN])).toEqual({ resource: A, how: 'slug' });
  });

  it('accepts the trailing slash the TS SDK adds to an origin-only URI, with a warning', () => {
    const m = matchResource('https://mcp.example.com/', [A, ORIGIN]);
    expect(m).toMatchObject({ resource: ORIGIN, how: 'normalized', warning: { code: 'resource_normalized' } });
  });

  it('accepts scheme/host case and the default port', () => {
    expect(matchResource('HTTPS://MCP.example.com:443', [ORIGIN])).toMatchObject({ resource: ORIGIN, how: 'normalized' });
  });

  it('refuses a trailing slash on a path and names the closest URI and the difference', () => {
    expect(matchResource('http://127.0.0.1:3001/mcp/', [A, ORIGIN])).toEqual({
      error: 'resource "http://127.0.0.1:3001/mcp/" is not registered; the closest registered resource is "http://127.0.0.1:3001/mcp" (mcp-a): it has an extra trailing "/"',
      fix: 'the client sent resource http://127.0.0.1:3001/mcp/; the registered URI is http://127.0.0.1:3001/mcp. Make the client send http://127.0.0.1:3001/mcp (it takes the value from the MCP server\'s Protected Resource Metadata "resource"), or change the registered URI: `authserver admin resource update mcp-a --uri http://127.0.0.1:3001/mcp/`',
    });
  });

  it('names a port difference', () => {
    expect(matchResource('http://127.0.0.1:3002/mcp', [A])).toEqual({
      error: 'resource "http://127.0.0.1:3002/mcp" is not registered; the closest registered resource is "http://127.0.0.1:3001/mcp" (mcp-a): the port differs (3002 vs 3001)',
      fix: expect.stringMatching(/^the client sent resource http:\/\/127\.0\.0\.1:3002\/mcp; the registered URI is http:\/\/127\.0\.0\.1:3001\/mcp\. /),
    });
  });

  it('binds a missing resource to the only one, or the default, with a warning', () => {
    expect(matchResource(undefined, [A])).toMatchObject({ resource: A, how: 'only', warning: { code: 'resource_missing' } });
    const def = r('def', 'http://127.0.0.1:4000/mcp', { is_default: true });
    expect(matchResource(undefined, [A, def])).toMatchObject({ resource: def, how: 'default' });
    expect(matchResource(undefined, [A, ORIGIN])).toHaveProperty('error');
  });

  it('rejects non-URIs that are not slugs', () => {
    expect(matchResource('not a uri', [A])).toEqual({ error: 'resource "not a uri" must be an absolute http(s) URI without a fragment, or a registered slug' });
    expect(matchResource('mcp-b', [A])).toEqual({ error: 'resource "mcp-b" is not a registered slug (registered: mcp-a)' });
  });
});

describe('describeDifference', () => {
  it('explains scheme, host and path differences', () => {
    expect(describeDifference('https://a/x', 'http://a/x')).toBe('the scheme differs (https vs http)');
    expect(describeDifference('http://b/x', 'http://a/x')).toBe('the host differs ("b" vs "a")');
    expect(describeDifference('http://a/y', 'http://a/x')).toBe('the path differs ("/y" vs "/x")');
  });
});
