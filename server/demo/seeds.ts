/**
 * The topology seeds shipped in resources/seeds/. Found by walking up from this module: it runs
 * from server/demo/ (sources, tests) and from dist/ or dist/chunks/ (the bundled CLI).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TOPOLOGIES = ['single-mcp', 'direct-fanout', 'mcp-gateway-mint', 'm2m-client-credentials'] as const;
export type Topology = (typeof TOPOLOGIES)[number];

export function seedFile(topology: Topology): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const file = join(dir, 'resources', 'seeds', `${topology}.yaml`);
    if (existsSync(file)) return file;
    dir = dirname(dir);
  }
  throw new Error(`the seed for topology "${topology}" (resources/seeds/${topology}.yaml) is missing from this installation`);
}
