#!/usr/bin/env node
// `npm run fuzz [-- <requests>]`: bundles test/fuzz/lib/fuzzMain.ts (TypeScript) with esbuild
// next to node_modules and runs it: 10,000 hostile requests against a real server by default.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = join(root, 'test-output', `fuzz-${process.pid}`);
const outfile = join(outdir, 'fuzz.mjs');
await build({ entryPoints: [join(root, 'test/fuzz/lib/fuzzMain.ts')], outfile, bundle: true, platform: 'node', target: 'node20', format: 'esm', packages: 'external', logLevel: 'error' });
try {
  await import(pathToFileURL(outfile).href);
} finally {
  await rm(outdir, { recursive: true, force: true });
}
