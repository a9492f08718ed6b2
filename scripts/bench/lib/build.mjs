// Bundles what the benchmark runs from TypeScript (the CLI as `npm run build` does, and the
// bench's own .ts entries) into bench-results/build/, beside node_modules so packages resolve.
// No tsx, no writes to dist/ (other work may be in flight there).
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const BUILD_DIR = path.join(ROOT, 'bench-results', 'build');

const common = { bundle: true, platform: 'node', target: 'node20', format: 'esm', packages: 'external', logLevel: 'error', sourcemap: 'linked' };

/** Bundles the CLI and the bench's TS entries; returns their output paths. */
export async function buildBench() {
  const entries = {
    cli: path.join(ROOT, 'server/cli/main.ts'),
    datagen: path.join(ROOT, 'scripts/bench/ts/datagen.ts'),
    micro: path.join(ROOT, 'scripts/bench/ts/micro.ts'),
  };
  const out = {};
  await Promise.all(
    Object.entries(entries).map(async ([name, entry]) => {
      const outfile = path.join(BUILD_DIR, `${name}.mjs`);
      await build({ ...common, entryPoints: [entry], outfile });
      out[name] = outfile;
    }),
  );
  return out;
}
