/**
 * scripts/lib/cache.mjs: which Node runs a client, and when an installed copy in the cache is
 * reused (no npm call) or not. Installing from the registry itself is exercised by every
 * interop test that runs a cached client.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { tempDir } from '../helpers/server';

async function loadWithCache(dir: string) {
  vi.resetModules();
  vi.stubEnv('AUTHPLANE_CACHE_DIR', dir);
  try {
    return await import('../../scripts/lib/cache.mjs');
  } finally {
    vi.unstubAllEnvs();
  }
}

describe('scripts/lib/cache.mjs', () => {
  it('atLeast compares x.y.z numerically, a leading v allowed', async () => {
    const { atLeast } = await import('../../scripts/lib/cache.mjs');
    expect([atLeast('22.19.0', '22.19.0'), atLeast('v22.23.5', '22.19.0'), atLeast('22.12.0', '22.19.0'), atLeast('24.0.0', '22.19.0'), atLeast('22.9.1', '22.19.0')]).toEqual([true, true, false, true, false]);
  });

  it('nodeAtLeast is the running Node when it is new enough', async () => {
    const { nodeAtLeast } = await import('../../scripts/lib/cache.mjs');
    expect(nodeAtLeast('1.0.0')).toBe(process.execPath);
  });

  it('reuses an installed copy whose version is the range or inside it, without npm', async () => {
    const cache = await tempDir('authplane-cache-');
    const pkg = join(cache, 'tool', 'node_modules', '@scope', 'tool');
    await mkdir(pkg, { recursive: true });
    await writeFile(join(pkg, 'package.json'), JSON.stringify({ name: '@scope/tool', version: '2.12.0' }));
    const { installCached } = await loadWithCache(cache);
    expect(installCached('tool', '@scope/tool', '2.12.0')).toBe(pkg);
    expect(installCached('tool', '@scope/tool', '2.12')).toBe(pkg);
    expect(installCached('tool', '@scope/tool', '2')).toBe(pkg);
  });

  it('does not take 2.1 for 2.12: a prefix matches on a dot only, so npm is asked; its failure is one clear error and the copy stays', async () => {
    const cache = await tempDir('authplane-cache-');
    // A name npm refuses locally (EINVALIDPACKAGENAME), before any registry request.
    const name = '.authplane-invalid';
    const pkg = join(cache, 'tool', 'node_modules', name);
    await mkdir(pkg, { recursive: true });
    await writeFile(join(pkg, 'package.json'), JSON.stringify({ version: '2.12.0' }));
    const { installCached } = await loadWithCache(cache);
    expect(() => installCached('tool', name, '2.1')).toThrow(/npm install \.authplane-invalid@2\.1 into .* failed \(exit \d+\):\n.*EINVALIDPACKAGENAME/);
    expect(installCached('tool', name, '2.12.0')).toBe(pkg);
  }, 120_000);
});
