/**
 * The lowdb adapter for the small tables (resources.json, clients.json, users.json,
 * consents.json, keys.json).
 *
 * File format (UTF-8 JSON, pretty-printed so a user can read it):
 *
 *   { "version": 1, "rows": [ { ...row... }, ... ] }
 *
 * `rows` are in insertion order; each row carries its own key (`slug`, `client_id`, `sub`,
 * `id` or `kid`, depending on the table). A missing file is an empty table. Writes replace the
 * file atomically (temp file + fsync + rename + directory fsync) with mode 0600.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Adapter } from 'lowdb';
import { CorruptDataError, StorageError } from '../errors';
import { atomicWriteFile, type Durability, readIfExists } from './fsio';

export const DOC_FILE_VERSION = 1;

export interface DocFile<T> {
  version: number;
  rows: T[];
}

/**
 * V8 quotes the text around an unexpected token (`Unexpected token '@', ..."d": @0QHY1r"... is
 * not valid JSON`); keys.json holds private keys, so the message keeps only what went wrong.
 */
const withoutExcerpt = (message: string): string => (/^Unexpected token\b/.test(message) && / is not valid JSON$/.test(message) ? 'an unexpected character' : message);

export class DocFileAdapter<T> implements Adapter<DocFile<T>> {
  /** Completed file writes, for tests that check group commit. */
  writes = 0;

  constructor(
    readonly file: string,
    private readonly keyField: string,
    private readonly durability: Durability,
  ) {}

  async read(): Promise<DocFile<T> | null> {
    const buf = await readIfExists(this.file);
    if (!buf) return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(buf.toString('utf8'));
    } catch (err) {
      throw await this.corrupt(`it is not valid JSON (${withoutExcerpt((err as Error).message)})`, err);
    }
    const doc = parsed as Partial<DocFile<unknown>> | null;
    if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw await this.corrupt('expected a JSON object {"version": 1, "rows": [...]}');
    if (typeof doc.version === 'number' && doc.version > DOC_FILE_VERSION) {
      throw new StorageError(this.file, `${this.file} was written by a newer AuthPlane (format version ${doc.version}; this one reads ${DOC_FILE_VERSION}). Upgrade AuthPlane; the file was left untouched.`);
    }
    if (doc.version !== DOC_FILE_VERSION) throw await this.corrupt(`"version" must be ${DOC_FILE_VERSION}`);
    if (!Array.isArray(doc.rows)) throw await this.corrupt('"rows" must be an array');
    for (let i = 0; i < doc.rows.length; i++) {
      const row = doc.rows[i] as Record<string, unknown> | null;
      if (!row || typeof row !== 'object' || Array.isArray(row) || typeof row[this.keyField] !== 'string') {
        throw await this.corrupt(`rows[${i}] is not an object with a string "${this.keyField}"`);
      }
    }
    return doc as DocFile<T>;
  }

  async write(data: DocFile<T>): Promise<void> {
    await atomicWriteFile(this.file, JSON.stringify(data, null, 2) + '\n', { durability: this.durability });
    this.writes++;
  }

  /**
   * Never reset a table the user may need: keep the file as it is, save a copy the user can
   * take away (`<file>.corrupt-<timestamp>`) and refuse to start.
   */
  private async corrupt(problem: string, cause?: unknown): Promise<CorruptDataError> {
    let kept: string;
    try {
      // A restart loop must not pile up copies: reuse an earlier copy with the same bytes.
      const bytes = await fsp.readFile(this.file);
      const dir = path.dirname(this.file);
      const prefix = `${path.basename(this.file)}.corrupt-`;
      let same: string | undefined;
      for (const name of await fsp.readdir(dir)) {
        if (!name.startsWith(prefix)) continue;
        const other = await fsp.readFile(path.join(dir, name)).catch(() => undefined);
        if (other && other.equals(bytes)) same = path.join(dir, name);
      }
      const copy = same ?? `${this.file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      if (!same) await fsp.copyFile(this.file, copy);
      kept = `a copy was saved as ${copy}`;
    } catch {
      kept = 'a copy could not be saved next to it';
    }
    return new CorruptDataError(
      this.file,
      `${this.file} is corrupt: ${problem}. The file was left untouched (${kept}). Repair it, or move it away to start this table empty, then start AuthPlane again.`,
      { cause },
    );
  }
}
