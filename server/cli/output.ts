/**
 * How the CLI talks: `--json` prints exactly the JSON (arrays for lists, objects otherwise);
 * human output is aligned columns; errors are one `authserver <noun> <verb>: <message>` line on
 * stderr with exit code 1 (2 for usage errors). Secrets are never printed except the one-time
 * client secret on create.
 */

export interface Out {
  stdout(text: string): void;
  stderr(text: string): void;
}

export const processOut: Out = {
  stdout: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  stderr: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
};

/** An error the CLI reports as one line; `exitCode` 2 means the command line itself was wrong. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
    /** Several problems found at once (a seed file): printed one per line. */
    readonly issues?: string[],
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string) => new CliError(message, 2);

export function printJson(out: Out, value: unknown): void {
  out.stdout(JSON.stringify(value, null, 2));
}

export function cell(v: unknown): string {
  if (v === undefined || v === null || v === '') return '-';
  if (Array.isArray(v)) return v.length ? v.map(cell).join(',') : '-';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v).replace(/\s*\n\s*/g, ' ');
}

/** Aligned columns with an upper-case header; `empty` is printed when there are no rows. */
export function table<T>(rows: T[], columns: Array<[header: string, get: (row: T) => unknown]>, empty: string): string {
  if (rows.length === 0) return empty;
  const cells = rows.map((r) => columns.map(([, get]) => cell(get(r))));
  const headers = columns.map(([h]) => h.toUpperCase());
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (vals: string[]) =>
    vals
      .map((v, i) => (i === vals.length - 1 ? v : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...cells.map(line)].join('\n');
}

/** `key  value` pairs, keys aligned (for show / create). */
export function keyValues(pairs: Array<[string, unknown]>): string {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${k.padEnd(width)}  ${cell(v)}`).join('\n');
}

/** The message of anything thrown, as one line. */
export function errorMessage(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/\s*\n\s*/g, '; ');
}

/** One `<command>: <message>` line; several issues (seed files) get one line each unless `oneLine`. */
export function reportError(out: Out, commandPath: string, err: unknown, opts: { oneLine?: boolean } = {}): number {
  const issues = (err as { issues?: unknown })?.issues;
  if (!opts.oneLine && Array.isArray(issues) && issues.length > 1) {
    out.stderr([`${commandPath}: ${issues.length} problems:`, ...issues.map((i) => `  ${String(i)}`)].join('\n'));
  } else {
    out.stderr(`${commandPath}: ${errorMessage(err)}`);
  }
  return err instanceof CliError ? err.exitCode : 1;
}
