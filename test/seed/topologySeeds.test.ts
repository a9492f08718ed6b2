/** The topology seeds in resources/seeds/ load cleanly (as `serve --seed` does), twice; the `fronting:` section is validated before any write. */
import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TOPOLOGIES } from '../../server/demo/seeds';
import { applySeed, SeedError } from '../../server/seed';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.stop();
});

describe('topology seeds', () => {
  it.each(TOPOLOGIES)('%s applies without warnings, and a second apply changes nothing', async (name) => {
    const text = await readFile(`resources/seeds/${name}.yaml`, 'utf8');
    const first = await applySeed(server.services, text, { file: `${name}.yaml` });
    expect(first.warnings).toEqual([]);
    expect(first.created.resources.length).toBeGreaterThan(0);
    const second = await applySeed(server.services, text, { file: `${name}.yaml` });
    expect(second.created).toEqual({ resources: [], clients: [], users: [] });
    expect(second.warnings).toEqual([]);
  });

  it('mcp-gateway-mint declares the link and the hidden server\'s exchange policy', async () => {
    const r = await applySeed(server.services, await readFile('resources/seeds/mcp-gateway-mint.yaml', 'utf8'));
    expect(r.fronting).toEqual({ created: ['mcp-gw/rest-api'], skipped: [] });
    expect(server.services.fronting.require('mcp-gw', 'rest-api').scope_map).toEqual({ read: ['read'], write: ['write'] });
    expect(server.services.resources.require('rest-api').policy).toEqual({ exchange: { allowed_client_ids: ['mcp-gw-client'] } });
    expect(r.clients.find((c) => c.client_id === 'mcp-gw-client')?.client_secret).toMatch(/^[\w-]{43}$/);
  });

  it('a bad fronting entry names its line, and nothing is written', async () => {
    const text = ['resources:', '  - slug: gw', '    uri: http://127.0.0.1:1/a', '    scopes: [{ name: A }]', 'fronting:', '  - source: gw', '    target: nowhere', '    scope_map: A:ZZ'].join('\n');
    const err = await applySeed(server.services, text, { file: 's.yaml' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SeedError);
    expect((err as SeedError).issues).toEqual(['s.yaml:7: fronting[0].target: target resource "nowhere" is neither in this seed nor stored']);
    expect(server.services.resources.list()).toEqual([]);
  });
});
