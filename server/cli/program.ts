/**
 * The `authserver` program. Commands only parse flags, call an AdminPort and print; the heavy
 * modules (server, store, services) are imported inside actions so `--help` stays instant.
 */
import { Command } from 'commander';
import { VERSION } from '../version';
import { configureErrors } from './common';
import { auditCommand } from './commands/audit';
import { clientCommand } from './commands/client';
import { consentCommand } from './commands/consent';
import { demoCommand } from './commands/demo';
import { doctorCommand } from './commands/doctor';
import { faultCommand } from './commands/fault';
import { frontingCommand } from './commands/fronting';
import { flowCommand } from './commands/flow';
import { connectCommand } from './commands/connect';
import { exampleServerCommand } from './commands/exampleServer';
import { issuanceCommand } from './commands/issuance';
import { keyCommand } from './commands/key';
import { resourceCommand } from './commands/resource';
import { seedCommand } from './commands/seed';
import { serveCommand } from './commands/serve';
import { statusCommand } from './commands/status';
import { tokenCommand } from './commands/token';
import { stopCommand } from './commands/stop';
import { uiLinkCommand } from './commands/uiLink';
import { userCommand } from './commands/user';

export function buildProgram(): Command {
  const program = configureErrors(new Command('authserver'))
    .description('AuthPlane Desktop: a local OAuth 2.1 authorization server for MCP servers')
    .version(VERSION, '-V, --version', 'print the version')
    .showSuggestionAfterError()
    .exitOverride();

  program.addCommand(serveCommand()).addCommand(stopCommand()).addCommand(uiLinkCommand());
  program.addCommand(demoCommand()).addCommand(doctorCommand());
  program.addCommand(connectCommand()).addCommand(exampleServerCommand());

  const admin = configureErrors(new Command('admin'))
    .description('manage resources, clients, users, consent, issuances, keys and test tokens (through the running server, or the data dir directly)')
    .option('--data-dir <dir>', 'data directory (default: $AUTHPLANE_DATA_DIR or the platform default)')
    .option('--json', 'print JSON instead of a table');
  for (const make of [resourceCommand, frontingCommand, clientCommand, userCommand, consentCommand, issuanceCommand, auditCommand, keyCommand, tokenCommand, faultCommand, flowCommand, seedCommand]) admin.addCommand(make());
  admin.addCommand(statusCommand());
  program.addCommand(admin);

  // Top-level alias: `authserver seed apply FILE`.
  program.addCommand(seedCommand());

  // Every command: errors exit through our handler, usage errors print `authserver <noun> <verb>: …`.
  const visit = (c: Command) => {
    c.exitOverride();
    for (const sub of c.commands) {
      configureErrors(sub);
      visit(sub);
    }
  };
  visit(program);
  return program;
}
