/**
 * "A resource that names signing_alg needs a current key of that algorithm" is the resource
 * service's own rule: every caller (admin API, CLI without a server, seed, demo) gets it by
 * creating or updating the resource, none has to remember it. Real store in a temp dir.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../server/clock';
import { loadConfig } from '../../server/config';
import { createServices, initServices, type Services } from '../../server/domain/services';
import { EventBus } from '../../server/events';
import { silentLogger } from '../../server/log';
import { openStore, type Store } from '../../server/store/index';

const opened: Array<{ dir: string; store: Store; services: Services }> = [];
afterEach(async () => {
  for (const o of opened.splice(0)) {
    o.services.close();
    await o.store.close();
    await rm(o.dir, { recursive: true, force: true });
  }
});

async function services(): Promise<Services> {
  const dir = await mkdtemp(path.join(tmpdir(), 'authplane-resources-'));
  const store = await openStore(dir, { durability: 'os' });
  const s = createServices({ config: loadConfig({ dataDir: dir, signingAlg: 'ES256' }), store, clock: systemClock, events: new EventBus(systemClock), log: silentLogger, secret: 'test-secret-test-secret-test-secret' });
  await initServices(s);
  opened.push({ dir, store, services: s });
  return s;
}

describe('ResourceService and signing keys', () => {
  it("creates the key of a new resource's signing_alg with the resource", async () => {
    const s = await services();
    expect(s.keys.current('RS256')).toBeUndefined();
    await s.resources.create({ slug: 'rs', uri: 'https://rs.example.com/mcp', signing_alg: 'RS256' });
    expect(s.keys.current('RS256')).toMatchObject({ alg: 'RS256' });
    expect(s.keys.list().filter((k) => k.alg === 'RS256')).toHaveLength(1);
  });

  it('creates it when an update names an algorithm without a key, and only once', async () => {
    const s = await services();
    await s.resources.create({ slug: 'plain', uri: 'https://plain.example.com/mcp' });
    expect(s.keys.current('RS256')).toBeUndefined();
    await s.resources.update('plain', { signing_alg: 'RS256' });
    const key = s.keys.current('RS256');
    expect(key).toMatchObject({ alg: 'RS256' });
    await s.resources.update('plain', { display_name: 'Plain' });
    expect(s.keys.current('RS256')?.kid).toBe(key!.kid);
  });
});
