/**
 * `authserver demo`: AuthPlane plus the example MCP server, seeded and connected, with the
 * commands that point MCP Inspector, Claude Code or mcp-remote at it. Runs until Ctrl+C
 * (SIGINT/SIGTERM close both servers, remove a temporary data dir, exit 0).
 */
import { Command, Option } from 'commander';
import type { McpProtocol } from '../../contracts/mcpProtocol';
import { configureErrors, parsePort, parseProtocol } from '../common';
import { processOut, reportError } from '../output';
import { untilStopSignal } from '../stopSignal';
import { TOPOLOGIES, type Topology } from '../../demo/seeds';

interface DemoFlags {
  port: number;
  mcpPort: number;
  consent: 'prompt' | 'auto';
  user?: string;
  protocol?: McpProtocol;
  dataDir?: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  open?: boolean;
  topology: Topology;
}

export function demoCommand(): Command {
  const cmd = configureErrors(new Command('demo'))
    .description('run AuthPlane and an example MCP server wired together, and print how to connect a client')
    .option('--port <port>', "AuthPlane's port (0 = a free port)", parsePort, 9000)
    .option('--mcp-port <port>', "the example MCP server's port (0 = a free port)", parsePort, 3001)
    .addOption(new Option('--consent <mode>', 'prompt: approve each request on the consent page; auto: approve every valid request').choices(['prompt', 'auto']).default('prompt'))
    .option('--protocol <revision>', "the example MCP server's protocol: 2026-07-28 (SDK v2, default) or 2025-11-25 (SDK 1.x)", parseProtocol)
    .option('--user <sub>', 'the user who approves (default dev-user)')
    .option('--data-dir <dir>', 'keep state in this directory (default: a temporary one, removed on exit)')
    .option('--open', 'open the admin UI in the browser')
    .addOption(new Option('--topology <name>', "which of the product's topologies to run, from its seed in resources/seeds/").choices([...TOPOLOGIES]).default('single-mcp'))
    .addOption(new Option('--log-level <level>', 'server log level (stderr)').choices(['debug', 'info', 'warn', 'error', 'silent']).default('warn'));

  cmd.action(async (opts: DemoFlags) => {
    const out = processOut;
    const stopped = untilStopSignal('authserver demo', out);

    let demo: { uiUrl: string; close(): Promise<void> };
    try {
      const { createLogger } = await import('../../log');
      const demoOpts = { port: opts.port, mcpPort: opts.mcpPort, consent: opts.consent, protocol: opts.protocol, user: opts.user, dataDir: opts.dataDir, log: createLogger({ level: opts.logLevel }) };
      if (opts.topology === 'single-mcp') {
        const { startDemo, demoInstructions } = await import('../../demo');
        const d = await startDemo(demoOpts);
        out.stdout(demoInstructions(d));
        demo = d;
      } else {
        const { startTopologyDemo, topologyInstructions } = await import('../../demo/topology');
        const d = await startTopologyDemo(opts.topology, demoOpts);
        out.stdout(topologyInstructions(d));
        demo = d;
      }
    } catch (err) {
      process.exitCode = reportError(out, 'authserver demo', err);
      return;
    }
    if (opts.open) (await import('../openBrowser')).openBrowser(demo.uiUrl);

    await stopped;
    try {
      await demo.close();
      out.stderr('authserver demo: stopped');
      process.exitCode = 0;
    } catch (err) {
      process.exitCode = reportError(out, 'authserver demo', err);
    }
  });
  return cmd;
}
