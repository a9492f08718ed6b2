/**
 * `serve --config FILE`: the serve flags kept in a YAML (or JSON) file, keyed by the flag's long
 * name (`port`, `refresh-grace`, `strict`…). Each value goes through the flag's own parser and
 * choices, so a file accepts exactly what the command line accepts; a flag given on the command
 * line wins over the file. An unknown key is an error naming the accepted ones (never ignored).
 */
import { readFile } from 'node:fs/promises';
import type { Command, Option } from 'commander';
import { parse } from 'yaml';
import { usageError } from './output';

/** Flags that make no sense in a file: the file itself, and one-shot actions. */
const NOT_IN_FILE = new Set(['config', 'open', 'help']);

export async function applyServeConfigFile(cmd: Command, file: string): Promise<void> {
  const settings = await readSettings(file);
  const options = new Map(cmd.options.map((o) => [o.long?.slice(2) ?? '', o] as const).filter(([name]) => name && !NOT_IN_FILE.has(name)));
  for (const [key, raw] of Object.entries(settings)) {
    const option = options.get(key);
    if (!option) throw usageError(`${file}: unknown setting "${key}"; accepted: ${[...options.keys()].join(', ')}`);
    const name = option.attributeName();
    // The command line wins: only defaults (and unset flags) are replaced by the file.
    if (cmd.getOptionValueSource(name) === 'cli') continue;
    cmd.setOptionValueWithSource(name, valueOf(option, key, raw, file), 'config');
  }
}

async function readSettings(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw usageError(`cannot read the config file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parse(text, { maxAliasCount: 0 });
  } catch (err) {
    throw usageError(`${file}: not valid YAML or JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw usageError(`${file}: expected a mapping of settings (e.g. "refresh-grace: 30s"), got ${Array.isArray(doc) ? 'a list' : typeof doc}`);
  return doc as Record<string, unknown>;
}

function valueOf(option: Option, key: string, raw: unknown, file: string): unknown {
  const bad = (why: string) => usageError(`${file}: setting "${key}": ${why}`);
  if (option.isBoolean() || option.negate) {
    if (typeof raw !== 'boolean') throw bad(`expected true or false, got ${JSON.stringify(raw)}`);
    // `no-flows: true` in a file means what --no-flows means on the command line.
    return option.negate ? !raw : raw;
  }
  if (typeof raw !== 'string' && typeof raw !== 'number') throw bad(`expected a value such as on the command line, got ${JSON.stringify(raw)}`);
  const text = String(raw);
  if (option.argChoices && !option.argChoices.includes(text)) throw bad(`"${text}" is not one of ${option.argChoices.join(', ')}`);
  try {
    return option.parseArg ? option.parseArg(text, undefined) : text;
  } catch (err) {
    throw bad((err as Error).message);
  }
}
