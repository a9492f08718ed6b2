/** `authserver example-server`: the example MCP server (real SDK + the AuthPlane adapter) for trying things out. */
import { Command } from 'commander';
import type { McpProtocol } from '../../contracts/mcpProtocol';
import { configureErrors, parseProtocol, run } from '../common';
import { usageError } from '../output';

export function exampleServerCommand(): Command {
  const cmd = configureErrors(new Command('example-server'))
    .description('run the example MCP server (tools whoami, read_note, write_note) protected by AuthPlane')
    .option('--issuer <url>', 'AuthPlane issuer the server trusts', 'http://127.0.0.1:9000')
    .option('--port <port>', 'port to listen on (0 picks a free one)', '3001')
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--resource <uri>', 'resource URI to publish (default: http://<host>:<port>/mcp)')
    .option('--protocol <revision>', 'MCP protocol: 2026-07-28 (SDK v2, stateless; default) or 2025-11-25 (SDK 1.x)', parseProtocol);
  cmd.action(
    run<{ issuer: string; port: string; host: string; resource?: string; protocol?: McpProtocol }>(async (ctx) => {
      const port = Number(ctx.opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw usageError(`--port must be an integer between 0 and 65535, got "${ctx.opts.port}"`);
      const { startExampleMcpServer } = await import('../../../examples/mcp-server/server');
      const server = await startExampleMcpServer({ issuer: ctx.opts.issuer, port, host: ctx.opts.host, resource: ctx.opts.resource, protocol: ctx.opts.protocol });
      ctx.out.stdout(`${server.url}\nexample MCP server (MCP ${server.protocol}) trusting ${ctx.opts.issuer}\n  Protected Resource Metadata  ${server.prmUrl}\n  register this resource URI exactly: ${server.resource}\nPress Ctrl+C to stop.\n`);
      await new Promise<void>((resolve) => {
        for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => void server.close().then(resolve));
      });
    }),
  );
  return cmd;
}
