/**
 * The topology seeds shipped in resources/seeds/. Found by walking up from this module (it runs
 * from server/demo/ in sources and tests, from dist/ or dist/chunks/ in the bundled CLI), then in
 * the packaged app's resources directory, where electron-builder.yml's extraResources puts them
 * (`<resourcesPath>/seeds/`, outside the asar archive).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TOPOLOGIES = ['single-mcp', 'direct-fanout', 'mcp-gateway-mint', 'm2m-client-credentials'] as const;
export type Topology = (typeof TOPOLOGIES)[number];

export interface SeedLocations {
  /** Where the walk up starts (default: this module's directory). */
  moduleDir?: string;
  /** The packaged app's resources directory (default: Electron's process.resourcesPath, if any). */
  resourcesPath?: string;
}

export function seedFile(topology: Topology, where: SeedLocations = {}): string {
  const name = `${topology}.yaml`;
  const candidates: string[] = [];
  let dir = where.moduleDir ?? dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    candidates.push(join(dir, 'resources', 'seeds', name));
    dir = dirname(dir);
  }
  const resourcesPath = where.resourcesPath ?? (process as { resourcesPath?: string }).resourcesPath;
  if (resourcesPath) candidates.push(join(resourcesPath, 'seeds', name));
  const found = candidates.find((file) => existsSync(file));
  if (found) return found;
  throw new Error(`the seed for topology "${topology}" (resources/seeds/${name}) is missing from this installation`);
}
