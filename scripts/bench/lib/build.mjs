// Bundles what the benchmark runs from TypeScript into bench-results/build/ (beside node_modules,
// so packages resolve): the CLI exactly as scripts/build.mjs bundles dist/cli.js (ESM, packages
// external, code splitting so a command loads only what it uses), and the bench's own .ts
// entries. No tsx, and no writes to dist/ (other work may be in flight there).
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const BUILD_DIR = path.join(ROOT, 'bench-results', 'build');

const common = { bundle: true, platform: 'node', target: 'node20', format: 'esm', packages: 'external', logLevel: 'error', sourcemap: 'linked' };

/** Bundles the CLI and the bench's TS entries into `dir` (beside node_modules); returns their paths. */
export async function buildBench(dir = BUILD_DIR) {
  const cliDir = path.join(dir, 'cli');
  await rm(cliDir, { recursive: true, force: true });
  const entries = {
    datagen: path.join(ROOT, 'scripts/bench/ts/datagen.ts'),
    micro: path.join(ROOT, 'scripts/bench/ts/micro.ts'),
    apserver: path.join(ROOT, 'scripts/bench/ts/apserver.ts'),
    families: path.join(ROOT, 'scripts/bench/ts/families.ts'),
  };
  const out = { cli: path.join(cliDir, 'cli.js') };
  await Promise.all([
    build({ ...common, entryPoints: { cli: path.join(ROOT, 'server/cli/main.ts') }, outdir: cliDir, splitting: true, entryNames: '[name]', chunkNames: 'chunks/[name]-[hash]' }),
    ...Object.entries(entries).map(async ([name, entry]) => {
      const outfile = path.join(dir, `${name}.mjs`);
      await build({ ...common, entryPoints: [entry], outfile });
      out[name] = outfile;
    }),
  ]);
  return out;
}
