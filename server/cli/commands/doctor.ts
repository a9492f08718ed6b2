/**
 * `authserver doctor <mcp-server-url> [--data-dir D] [--json]`: walk what an MCP client does
 * against your MCP server and AuthPlane (401 challenge, PRM, registration byte for byte, AS
 * metadata, JWKS, a real token, a wrong-audience and an expired token). Each step prints ✓ / ✗
 * with the exact fix; exit code 1 if any step fails, 2 for a bad command line.
 */
import { Command } from 'commander';
import type { McpProtocol } from '../../contracts/mcpProtocol';
import { parseProtocol, run, withCommon } from '../common';
import { printJson, usageError } from '../output';

export function doctorCommand(): Command {
  const cmd = withCommon(new Command('doctor'))
    .description('check an MCP server protected by AuthPlane the way a client sees it; exit 1 on any ✗')
    .argument('<mcp-server-url>', 'the MCP endpoint clients connect to, e.g. http://127.0.0.1:3001/mcp')
    .option('--protocol <revision>', 'require this MCP revision: 2026-07-28 or 2025-11-25 (default: whichever the server speaks, newest first; the report says which)', parseProtocol)
    .addHelpText('after', '\nThe AuthPlane server must be running on the data dir: the doctor reads its registration and obtains test tokens through its admin API.');
  cmd.action(
    run<{ protocol?: McpProtocol }>(async (ctx, mcpUrl) => {
      const { runDoctor, assertMcpUrl, DoctorInputError, formatHeader, formatStep, formatSummary } = await import('../../doctor');
      try {
        assertMcpUrl(mcpUrl!);
      } catch (err) {
        throw err instanceof DoctorInputError ? usageError(err.message) : err;
      }
      const dataDir = await ctx.dataDir();
      if (!ctx.json) ctx.out.stdout(`${formatHeader(mcpUrl!)} (data dir ${dataDir})\n`);
      const report = await runDoctor({ mcpUrl: mcpUrl!, dataDir, protocol: ctx.opts.protocol, onStep: ctx.json ? undefined : (s) => ctx.out.stdout(formatStep(s)) });
      if (ctx.json) printJson(ctx.out, report);
      else ctx.out.stdout(`\n${formatSummary(report)}`);
      if (!report.ok) process.exitCode = 1;
    }),
  );
  return cmd;
}
