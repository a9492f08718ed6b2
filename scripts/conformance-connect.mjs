#!/usr/bin/env node
/**
 * `authserver connect` as the client under test of the MCP conformance suite:
 *
 *   node scripts/conformance.mjs client --suite auth --spec-version 2026-07-28 \
 *     --command "node scripts/conformance-connect.mjs dist/cli.js"
 *
 * The suite appends the MCP server URL and passes the rest in the environment (its documented
 * interface): MCP_CONFORMANCE_PROTOCOL_VERSION becomes --protocol, and MCP_CONFORMANCE_CONTEXT's
 * client_id/client_secret (pre-registration scenarios) become --client-id/--client-secret.
 * The suite's mock servers have one tool, `test-tool` (calling it is what triggers step-up),
 * and its CIMD scenario expects the suite's own metadata URL as client_id.
 */
import { spawn } from 'node:child_process';

const [cli, url] = process.argv.slice(2);
if (!cli || !url) {
  console.error('usage: conformance-connect.mjs <authserver cli.js> <mcp-server-url>');
  process.exit(2);
}
const CIMD_URL = 'https://conformance-test.local/client-metadata.json';
const context = JSON.parse(process.env.MCP_CONFORMANCE_CONTEXT ?? '{}');
const protocol = process.env.MCP_CONFORMANCE_PROTOCOL_VERSION === '2026-07-28' ? '2026-07-28' : '2025-11-25';
const args = [cli, 'connect', url, '--protocol', protocol, '--tool', 'test-tool', '--client-metadata-url', CIMD_URL];
if (context.client_id) args.push('--client-id', context.client_id);
if (context.client_secret) args.push('--client-secret', context.client_secret);

const child = spawn(process.execPath, args, { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
