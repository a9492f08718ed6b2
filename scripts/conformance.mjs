#!/usr/bin/env node
/**
 * Runs the official MCP conformance CLI (`@modelcontextprotocol/conformance`) on Node 20.
 *
 * Its bundle imports `globSync` from `fs` at the top level (Node >= 22). Only its `tier-check`
 * command calls it, but a missing named export fails the whole module at link time on Node 20.
 * This wrapper registers a module resolve hook that, for imports of `fs` made by the conformance
 * bundle only, substitutes a module re-exporting `node:fs` plus a `globSync` that explains it
 * needs Node 22. Nothing in node_modules is modified; on Node 22+ no hook is installed.
 *
 *   node scripts/conformance.mjs authorization --url http://127.0.0.1:9000 --client-id conformance -p 3000
 *   node scripts/conformance.mjs list --authorization
 */
import { register } from 'node:module';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const pkgJson = require.resolve('@modelcontextprotocol/conformance/package.json');
const entry = new URL('dist/index.js', pathToFileURL(pkgJson)).href;
const pkgRoot = new URL('.', pathToFileURL(pkgJson)).href;

const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  const shim = [
    "import * as fs from 'node:fs';",
    "export * from 'node:fs';",
    'export default fs;',
    "export function globSync() { throw new Error('this conformance command needs Node 22 (fs.globSync); the authorization, server and client commands do not'); }",
  ].join('\n');
  const shimUrl = `data:text/javascript,${encodeURIComponent(shim)}`;
  const hooks = `
    const ROOT = ${JSON.stringify(pkgRoot)};
    const SHIM = ${JSON.stringify(shimUrl)};
    export async function resolve(specifier, context, next) {
      if ((specifier === 'fs' || specifier === 'node:fs') && context.parentURL && context.parentURL.startsWith(ROOT)) {
        return { url: SHIM, shortCircuit: true };
      }
      return next(specifier, context);
    }`;
  register(`data:text/javascript,${encodeURIComponent(hooks)}`);
}

// The CLI reads process.argv (commander): make it look like `conformance <args>`.
process.argv = [process.argv[0], entry, ...process.argv.slice(2)];
await import(entry);
