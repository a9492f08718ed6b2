/**
 * Shared plumbing for CLI commands: the options every admin command takes (`--data-dir`,
 * `--json`), the action wrapper that turns any error into one stderr line and an exit code, and
 * the flag parsers (`--scopes 'name|upstream|description'`, CSV lists, durations).
 */
import { InvalidArgumentError, type Command } from 'commander';
import { MAX_REFRESH_GRACE_S, parseDuration } from '../contracts/duration';
import { isMcpProtocol, type McpProtocol, NOT_A_PROTOCOL } from '../contracts/mcpProtocol';
import { sinceInstant } from '../contracts/since';
import { resolveDataDir } from './dataDir';
import { CliError, processOut, reportError, usageError, type Out } from './output';

export { resolveDataDir };

export interface CommonOptions {
  dataDir?: string;
  json?: boolean;
}

export interface ActionContext<O> {
  opts: O & CommonOptions;
  out: Out;
  json: boolean;
  /** Resolved data dir: --data-dir, then $AUTHPLANE_DATA_DIR, then the platform default. */
  dataDir(): Promise<string>;
}

/** `authserver <noun> <verb>` for messages (the `admin` level is left out, as users think of it). */
export function commandPath(cmd: Command): string {
  return fullPath(cmd)
    .split(' ')
    .filter((n, i) => !(i === 1 && n === 'admin'))
    .join(' ');
}

/** The command as typed: `authserver admin resource create`. */
export function fullPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Usage errors from commander become `authserver <noun> <verb>: <message>` plus a help hint. */
export function configureErrors(cmd: Command): Command {
  return cmd.configureOutput({
    outputError: (str, write) => {
      const msg = str.replace(/^error: /, '').trimEnd();
      write(`${commandPath(cmd)}: ${msg}\n(run \`${fullPath(cmd)} --help\` for usage)\n`);
    },
  });
}

export function withCommon(cmd: Command): Command {
  return configureErrors(cmd)
    .option('--data-dir <dir>', 'data directory (default: $AUTHPLANE_DATA_DIR or the platform default)')
    .option('--json', 'print JSON instead of a table');
}

/**
 * Wraps an action: options merged with the parents' (so `admin --data-dir D resource list`
 * works too), errors reported as one line with exit code 1 (2 for usage errors).
 */
export function run<O>(fn: (ctx: ActionContext<O>, ...args: string[]) => Promise<void>) {
  return async function action(this: Command, ...raw: unknown[]): Promise<void> {
    const cmd = raw[raw.length - 1] as Command;
    const args = raw.slice(0, -2).map((a) => a as string);
    const opts = cmd.optsWithGlobals() as O & CommonOptions;
    const out = processOut;
    try {
      await fn({ opts, out, json: !!opts.json, dataDir: () => resolveDataDir(opts.dataDir) }, ...args);
    } catch (err) {
      process.exitCode = reportError(out, commandPath(cmd), err);
    }
  };
}

/** Repeatable option collector. */
export const collect = (value: string, previous?: string[]): string[] => [...(previous ?? []), value];

export function csv(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export interface ScopeSpec {
  name: string;
  upstream?: string;
  description?: string;
}

/** `'name|upstream|description'` (the product's form; `'read||Read access'` for Mint), or just `name`. */
export function parseScopeSpec(spec: string): ScopeSpec {
  const [name = '', upstream, ...rest] = spec.split('|');
  const description = rest.join('|');
  if (!name.trim()) throw usageError(`--scopes "${spec}": expected 'name|upstream|description' (for example 'read||Read access')`);
  const out: ScopeSpec = { name: name.trim() };
  if (upstream?.trim()) out.upstream = upstream.trim();
  if (description.trim()) out.description = description.trim();
  return out;
}

/** `90`, `90s`, `15m`, `2h`, `7d` → seconds. */
export function parseSeconds(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d+)\s*(s|m|h|d)?$/.exec(text.trim());
  if (!m) throw usageError(`${flag} "${text}": expected seconds or a duration like 90s, 15m, 2h, 7d`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[(m[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
}

export function parseIntFlag(flag: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < min || n > max) throw usageError(`${flag} "${text}": expected an integer from ${min} to ${max}`);
  return n;
}

/** Refuses a `--since` / `--until` value the server would refuse (a duration or RFC 3339 time, at most 30 days back). */
export function checkSinceFlag(flag: 'since' | 'until', value: string | undefined): void {
  const r = value === undefined ? undefined : sinceInstant(value, Date.now());
  if (r && 'error' in r) throw usageError(`--${flag}${r.error.slice('since'.length)}`);
}

/** `--user` is the product's name for the subject, `--sub` Desktop's: one filter, either spelling. */
export function subjectFlag(opts: { user?: string; sub?: string }): string | undefined {
  if (opts.user !== undefined && opts.sub !== undefined && opts.user !== opts.sub) throw usageError('--user and --sub name the same filter: pass one of them');
  return opts.user ?? opts.sub;
}

/** Drops undefined members so a PATCH only names what the user passed. */
export function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export { CliError };

/** Commander parser for `--port`: 0 to 65535, 0 picks a free port. */
export function parsePort(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > 65535) throw new InvalidArgumentError('expected a port number from 0 to 65535 (0 picks a free port)');
  return n;
}

/** Commander parser for `--protocol`: an MCP protocol revision (server/contracts/mcpProtocol). */
export function parseProtocol(v: string): McpProtocol {
  if (!isMcpProtocol(v)) throw new InvalidArgumentError(NOT_A_PROTOCOL);
  return v;
}

/** `900`, `15m`, `7d` → seconds; commander turns the thrown error into a usage error. */
export function durationFlag(v: string): number {
  const n = parseDuration(v);
  if (n === undefined) throw new InvalidArgumentError(`expected a duration such as 900, 15m, 2h or 7d, got "${v}"`);
  return n;
}

/** The refresh grace: opt-in, bounded by the config schema's 5 minutes (a longer window is a replay window). */
export function graceFlag(v: string): number {
  const n = durationFlag(v);
  if (n > MAX_REFRESH_GRACE_S) throw new InvalidArgumentError(`at most 5m (a rotated-out refresh token stays usable that long), got "${v}"`);
  return n;
}
