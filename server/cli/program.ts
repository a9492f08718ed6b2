/**
 * The `authserver` program. Commands only parse flags, call an AdminPort and print; the heavy
 * modules (server, store, services) are imported inside actions. Command modules themselves are
 * loaded lazily too: the command line names the one command to run, so only its module is
 * imported (`admin issuance list` loads commands/issuance.ts, not the other eighteen); a command
 * line that names none, or an unknown one, loads them all for the help listing and suggestions.
 */
import { Command } from 'commander';
import { VERSION } from '../version';
import { configureErrors } from './common';

type Load = () => Promise<Command>;

/** `authserver <name>`, in the order `--help` lists them. */
const TOP: Array<[name: string, load: Load]> = [
  ['serve', async () => (await import('./commands/serve')).serveCommand()],
  ['stop', async () => (await import('./commands/stop')).stopCommand()],
  ['ui-link', async () => (await import('./commands/uiLink')).uiLinkCommand()],
  ['demo', async () => (await import('./commands/demo')).demoCommand()],
  ['doctor', async () => (await import('./commands/doctor')).doctorCommand()],
  ['connect', async () => (await import('./commands/connect')).connectCommand()],
  ['example-server', async () => (await import('./commands/exampleServer')).exampleServerCommand()],
];

/** `authserver admin <name>`. */
const ADMIN: Array<[name: string, load: Load]> = [
  ['resource', async () => (await import('./commands/resource')).resourceCommand()],
  ['fronting', async () => (await import('./commands/fronting')).frontingCommand()],
  ['client', async () => (await import('./commands/client')).clientCommand()],
  ['user', async () => (await import('./commands/user')).userCommand()],
  ['consent', async () => (await import('./commands/consent')).consentCommand()],
  ['issuance', async () => (await import('./commands/issuance')).issuanceCommand()],
  ['audit', async () => (await import('./commands/audit')).auditCommand()],
  ['key', async () => (await import('./commands/key')).keyCommand()],
  ['token', async () => (await import('./commands/token')).tokenCommand()],
  ['fault', async () => (await import('./commands/fault')).faultCommand()],
  ['flow', async () => (await import('./commands/flow')).flowCommand()],
  ['settings', async () => (await import('./commands/settings')).settingsCommand()],
  ['seed', async () => (await import('./commands/seed')).seedCommand()],
  ['status', async () => (await import('./commands/status')).statusCommand()],
];

const loadSeed = ADMIN.find(([n]) => n === 'seed')![1];

/** The admin level's own options that take a value (skipped when looking for the noun). */
const ADMIN_VALUE_OPTIONS = new Set(['--data-dir']);

/** The command names the command line selects: `admin issuance list …` → ['admin', 'issuance']. */
export function selectedCommand(args: string[]): { top?: string; admin?: string } {
  const top = args.find((a) => !a.startsWith('-'));
  if (top !== 'admin') return { top };
  const rest = args.slice(args.indexOf('admin') + 1);
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (ADMIN_VALUE_OPTIONS.has(a)) i++;
    else if (!a.startsWith('-')) return { top, admin: a };
  }
  return { top };
}

/** Every entry (`all`), or only the one named `selected` (none when it is not among them). */
async function load(entries: Array<[string, Load]>, selected: string | undefined, all: boolean): Promise<Command[]> {
  return Promise.all(entries.filter(([name]) => all || name === selected).map(([, make]) => make()));
}

/** `args`: the command line after `node authserver` (process.argv.slice(2)). */
export async function buildProgram(args: string[]): Promise<Command> {
  const program = configureErrors(new Command('authserver'))
    .description('AuthPlane Desktop: a local OAuth 2.1 authorization server for MCP servers')
    .version(VERSION, '-V, --version', 'print the version')
    .showSuggestionAfterError()
    .exitOverride();

  const sel = selectedCommand(args);
  const known = sel.top === 'admin' || sel.top === 'seed' || TOP.some(([n]) => n === sel.top);
  // `--version` alone needs no command; a line that names no known command (`--help`, `help`, a
  // typo) gets every command, for the listing and the suggestions.
  if (sel.top === undefined && args.some((a) => a === '-V' || a === '--version')) return program;
  const wanted = (name: string) => !known || sel.top === name;

  for (const c of await load(TOP, sel.top, !known)) program.addCommand(c);

  if (wanted('admin')) {
    const admin = configureErrors(new Command('admin'))
      .description('manage resources, clients, users, consent, issuances, keys and test tokens (through the running server, or the data dir directly)')
      .option('--data-dir <dir>', 'data directory (default: $AUTHPLANE_DATA_DIR or the platform default)')
      .option('--json', 'print JSON instead of a table');
    const noun = ADMIN.some(([n]) => n === sel.admin);
    for (const c of await load(ADMIN, sel.admin, !noun)) admin.addCommand(c);
    program.addCommand(admin);
  }

  // Top-level alias: `authserver seed apply FILE`.
  if (wanted('seed')) program.addCommand(await loadSeed());

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
