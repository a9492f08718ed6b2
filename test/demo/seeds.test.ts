/** The topology seed resolver: the source tree, and a packaged app's resources directory. */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedFile, TOPOLOGIES } from '../../server/demo/seeds';
import { tempDir } from '../helpers/server';

const ROOT = resolve(__dirname, '../..');
let fake: string;

beforeAll(async () => {
  // A packaged app's layout: <resources>/app.asar/dist/chunks (the module) and <resources>/seeds/.
  fake = await tempDir('authplane-seeds-');
  await mkdir(join(fake, 'pkg', 'app.asar', 'dist', 'chunks'), { recursive: true });
  await mkdir(join(fake, 'pkg', 'seeds'), { recursive: true });
  for (const t of TOPOLOGIES) await writeFile(join(fake, 'pkg', 'seeds', `${t}.yaml`), 'resources: []\n');
});
afterAll(() => rm(fake, { recursive: true, force: true }));

describe('seedFile', () => {
  it('finds every topology in the source tree', () => {
    for (const t of TOPOLOGIES) expect(seedFile(t, { resourcesPath: join(fake, 'nowhere') })).toBe(join(ROOT, 'resources', 'seeds', `${t}.yaml`));
  });

  it('finds them in a packaged app through its resources path', () => {
    const moduleDir = join(fake, 'pkg', 'app.asar', 'dist', 'chunks');
    for (const t of TOPOLOGIES) expect(seedFile(t, { moduleDir, resourcesPath: join(fake, 'pkg') })).toBe(join(fake, 'pkg', 'seeds', `${t}.yaml`));
  });

  it('says which seed is missing when neither has it', () => {
    const moduleDir = join(fake, 'pkg', 'app.asar', 'dist', 'chunks');
    expect(() => seedFile('mcp-gateway-mint', { moduleDir, resourcesPath: join(fake, 'nowhere') })).toThrow('the seed for topology "mcp-gateway-mint" (resources/seeds/mcp-gateway-mint.yaml) is missing from this installation');
  });
});
