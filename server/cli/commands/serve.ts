/**
 * `authserver serve`: run the authorization server. The first stdout line is exactly the issuer
 * URL (scripts read it, e.g. with --port 0); the rest is for people. SIGTERM/SIGINT close the
 * server (flushing the store, releasing the data-dir lock) and exit 0. A start-up failure is one
 * `authserver serve: <message>` line on stderr and exit 1.
 */
import { Command, Option } from 'commander';
import type { SeedResult } from '../../seed/applySeed';
import { configureErrors, durationFlag, graceFlag, parsePort, resolveDataDir } from '../common';
import { VERSION } from '../../version';
import { openBrowser } from '../openBrowser';
import { processOut, reportError } from '../output';
import { applyServeConfigFile } from '../serveConfigFile';
import { untilStopSignal } from '../stopSignal';
import { seedSummary } from './seed';

interface ServeFlags {
  config?: string;
  port: number;
  host: string;
  dataDir?: string;
  seed?: string;
  consent: 'prompt' | 'auto';
  user?: string;
  issuer?: string;
  allowRemote?: boolean;
  strict?: boolean;
  cimd: boolean;
  open?: boolean;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  signingAlg?: 'ES256' | 'RS256';
  accessTokenTtl?: number;
  refreshTokenTtl?: number;
  codeTtl?: number;
  refreshGrace?: number;
  flows: boolean;
}

export function serveCommand(): Command {
  const cmd = configureErrors(new Command('serve'))
    .description('run the authorization server (first stdout line: the issuer URL)')
    .option('--port <port>', 'TCP port (0 = a free port)', parsePort, 9000)
    .option('--host <host>', 'interface to bind (loopback unless --allow-remote)', '127.0.0.1')
    .option('--data-dir <dir>', 'data directory (default: $AUTHPLANE_DATA_DIR or the platform default)')
    .option('--config <file>', 'read these serve settings from a YAML or JSON file, keyed by flag name (e.g. "refresh-grace: 30s"); flags given here win')
    .option('--seed <file>', 'apply a YAML seed at start (idempotent)')
    .addOption(new Option('--consent <mode>', 'prompt: the user approves; auto: approve every valid request as --user').choices(['prompt', 'auto']).default('prompt'))
    .option('--user <sub>', 'the user who approves (auto) or is preselected (prompt)')
    .option('--issuer <url>', 'public issuer URL (default: http://<host>:<port>)')
    .option('--allow-remote', 'allow binding a non-loopback interface')
    .option('--strict', 'product behaviour instead of Desktop\'s leniencies: refuse a missing scope or resource, a resource URI that is not byte-for-byte the registered one, and http Client ID Metadata Documents')
    .option('--no-cimd', 'do not advertise or fetch Client ID Metadata Documents, so clients register dynamically instead (works offline; Claude Code\'s default client_id is a document on claude.ai)')
    .option('--open', 'open the admin UI in the browser')
    .addOption(new Option('--signing-alg <alg>', 'algorithm of the default signing key (resources may override)').choices(['ES256', 'RS256']))
    .option('--access-token-ttl <duration>', 'access-token lifetime, e.g. 15m (default 15m; resources may override)', durationFlag)
    .option('--refresh-token-ttl <duration>', 'refresh-token lifetime, e.g. 7d (default 7d)', durationFlag)
    .option('--code-ttl <duration>', 'authorization-code lifetime, 60s to 10m (default 10m)', durationFlag)
    .option('--refresh-grace <duration>', 'accept a rotated-out refresh token again for this long, up to 5m, answering with the same new token (default 0: any second use revokes the family)', graceFlag)
    .option('--no-flows', 'do not record the flow timeline (to measure what recording costs)')
    .addOption(new Option('--log-level <level>', 'server log level (stderr)').choices(['debug', 'info', 'warn', 'error', 'silent']).default('info'));

  cmd.action(async (flags: ServeFlags) => {
    const out = processOut;
    const stopped = untilStopSignal('authserver serve', out);

    let server: Awaited<ReturnType<typeof import('../../app').startServer>>;
    let opts = flags;
    try {
      if (flags.config) {
        await applyServeConfigFile(cmd, flags.config);
        opts = cmd.opts<ServeFlags>();
      }
      const dataDir = await resolveDataDir(opts.dataDir);
      const [{ startServer }, { createLogger }] = await Promise.all([import('../../app'), import('../../log')]);
      server = await startServer({
        dataDir,
        port: opts.port,
        host: opts.host,
        issuer: opts.issuer,
        consent: opts.consent,
        user: opts.user,
        allowRemote: !!opts.allowRemote,
        strict: !!opts.strict,
        cimd: opts.cimd !== false,
        seedFile: opts.seed,
        signingAlg: opts.signingAlg,
        accessTokenTtl: opts.accessTokenTtl,
        refreshTokenTtl: opts.refreshTokenTtl,
        codeTtl: opts.codeTtl,
        refreshGrace: opts.refreshGrace,
        recordFlows: opts.flows,
        log: createLogger({ level: opts.logLevel }),
      });
    } catch (err) {
      process.exitCode = reportError(out, 'authserver serve', err, { oneLine: true });
      return;
    }

    const cfg = server.services.deps.config;
    out.stdout(server.issuer);
    const { uiLoginUrl } = await import('../../ui');
    // One-time sign-in link (Jupyter style): opening it sets a session cookie and drops the token.
    const uiUrl = uiLoginUrl(server.issuer);
    out.stdout(`UI: ${uiUrl}`);
    const lines = [
      `AuthPlane ${VERSION}: OAuth 2.1 authorization server for MCP, listening on ${server.issuer}`,
      `  data dir   ${cfg.dataDir}`,
      `  consent    ${cfg.consent === 'auto' ? `auto (every valid request is approved as "${cfg.user}")` : `prompt (approve in the browser or the desktop window; default user "${cfg.user}")`}`,
      `  metadata   ${server.issuer}/.well-known/oauth-authorization-server`,
      `  admin API  ${server.issuer}/admin/api (bearer token kept in the data dir)`,
      `  mode       ${cfg.strict ? 'strict (product behaviour: a missing scope or resource, a resource not byte-for-byte registered, or an http metadata document, is refused)' : 'lenient (a missing scope or resource, or a normalised resource URI, is accepted with a warning in the activity log; --strict refuses them)'}`,
    ];
    lines.push(
      cfg.cimd
        ? '  clients    Client ID Metadata Documents (recommended), dynamic registration, pre-registered'
        : '  clients    dynamic registration and pre-registered only: metadata documents off (--no-cimd), client_id_metadata_document_supported not advertised',
    );
    if (cfg.refreshGrace > 0) lines.push(`  refresh    ${cfg.refreshGrace} s grace: a rotated-out refresh token is accepted again that long and gets the same new token`);
    const seeded = (server as { seed?: SeedResult }).seed;
    if (seeded) lines.push(...seedSummary(seeded).split('\n').map((l) => `  ${l}`));
    lines.push('Press Ctrl+C to stop.');
    out.stdout(lines.join('\n'));
    if (opts.open) openBrowser(uiUrl);

    await stopped;
    try {
      await server.close();
      process.exitCode = 0;
    } catch (err) {
      process.exitCode = reportError(out, 'authserver serve', err);
    }
  });
  return cmd;
}
