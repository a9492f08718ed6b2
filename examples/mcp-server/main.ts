/**
 * CLI (bundled by `npm run build`): `node dist/example-mcp-server.js --issuer http://127.0.0.1:9000 [--port 3001] [--host 127.0.0.1] [--resource URL] [--protocol 2026-07-28|2025-11-25]`
 * Register the printed resource URI in AuthPlane (scopes: read, write), then point an MCP client at it.
 */
import { parseArgs } from 'node:util';
import { isMcpProtocol, NOT_A_PROTOCOL } from '../../server/contracts/mcpProtocol';
import { startExampleMcpServer } from './server';

const { values } = parseArgs({
  options: {
    issuer: { type: 'string', default: 'http://127.0.0.1:9000' },
    port: { type: 'string', default: '3001' },
    host: { type: 'string', default: '127.0.0.1' },
    resource: { type: 'string' },
    protocol: { type: 'string', default: '2026-07-28' },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be an integer between 0 and 65535, got "${values.port}"`);
  process.exit(2);
}
const protocol = values.protocol;
if (!isMcpProtocol(protocol)) {
  console.error(`--protocol: ${NOT_A_PROTOCOL}, got "${protocol}"`);
  process.exit(2);
}

const server = await startExampleMcpServer({ issuer: values.issuer, port, host: values.host, resource: values.resource, protocol });
console.log(`MCP server: ${server.url} (MCP ${server.protocol})`);
console.log(`Protected Resource Metadata: ${server.prmUrl}`);
console.log(`Register this resource URI in AuthPlane exactly: ${server.resource}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void server.close().then(() => process.exit(0));
  });
}
