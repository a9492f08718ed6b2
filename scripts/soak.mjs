#!/usr/bin/env node
// `npm run soak [-- <rounds>]`: bundles test/reliability/lib/soakMain.ts (TypeScript) with
// esbuild next to node_modules and runs it. 50 rounds of kill -9 by default.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = join(root, 'test-output', `soak-${process.pid}`);
const outfile = join(outdir, 'soak.mjs');
await build({ entryPoints: [join(root, 'test/reliability/lib/soakMain.ts')], outfile, bundle: true, platform: 'node', target: 'node20', format: 'esm', packages: 'external', logLevel: 'error' });
try {
  await import(pathToFileURL(outfile).href);
} finally {
  await rm(outdir, { recursive: true, force: true });
}
