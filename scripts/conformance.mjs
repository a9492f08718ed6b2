#!/usr/bin/env node
/**
 * Runs the official MCP conformance CLI (`@modelcontextprotocol/conformance`) from node_modules.
 *
 * Its bundle imports `globSync` from `fs` at load time, which Node has only from 22: on an older
 * Node (outside package.json `engines`) say so in one line instead of a link error.
 *
 *   node scripts/conformance.mjs authorization --url http://127.0.0.1:9000 --client-id conformance -p 3000
 *   node scripts/conformance.mjs list --authorization
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  console.error(`conformance: needs Node 22 or newer (this is ${process.version}); AuthPlane supports Node >= 22.12 (package.json engines)`);
  process.exit(1);
}

const require = createRequire(import.meta.url);
const entry = new URL('dist/index.js', pathToFileURL(require.resolve('@modelcontextprotocol/conformance/package.json'))).href;
// The CLI reads process.argv (commander): make it look like `conformance <args>`.
process.argv = [process.argv[0], entry, ...process.argv.slice(2)];
await import(entry);
