/**
 * A small keyed table: all rows in memory, the whole table rewritten atomically on each
 * (group-committed) write through lowdb. Tables stay small (resources, clients, users,
 * consents, keys), so a rewrite is cheap and never grows with the token history.
 */
import path from 'node:path';
import { Low } from 'lowdb';
import { StorageError } from '../errors';
import type { DocTable } from './types';
import { type DocFile, DocFileAdapter, DOC_FILE_VERSION } from './docFileAdapter';
import type { Durability } from './fsio';
import { GroupCommit, type PendingItem } from './groupCommit';
import { type Change, frozenCopy, LayeredRows } from './layeredRows';

export class LowDocTable<T> implements DocTable<T> {
  private readonly rows = new LayeredRows<T>();
  private readonly commits: GroupCommit<Array<Change<T>>>;
  private closed = false;

  private constructor(
    private readonly db: Low<DocFile<T>>,
    private readonly adapter: DocFileAdapter<T>,
    private readonly keyField: string,
  ) {
    this.commits = new GroupCommit((batch) => this.flush(batch));
    for (const row of db.data.rows) this.rows.load((row as Record<string, unknown>)[keyField] as string, frozenCopy(row));
  }

  /** Reads `<dataDir>/<name>.json`; throws CorruptDataError if it cannot be parsed. */
  static async open<T>(dataDir: string, name: string, keyField: string, durability: Durability): Promise<LowDocTable<T>> {
    const adapter = new DocFileAdapter<T>(path.join(dataDir, `${name}.json`), keyField, durability);
    const db = new Low<DocFile<T>>(adapter, { version: DOC_FILE_VERSION, rows: [] });
    await db.read();
    return new LowDocTable(db, adapter, keyField);
  }

  get file(): string {
    return this.adapter.file;
  }

  /** File writes done so far (tests: 100 concurrent puts should take far fewer). */
  get fileWrites(): number {
    return this.adapter.writes;
  }

  list(): T[] {
    return [...this.rows.view.values()];
  }

  get(key: string): T | undefined {
    return this.rows.view.get(key);
  }

  put(key: string, row: T): Promise<void> {
    return this.batch([{ key, row }]);
  }

  async remove(key: string): Promise<boolean> {
    if (!this.rows.view.has(key)) return false;
    await this.batch([{ key, row: null }]);
    return true;
  }

  batch(changes: Array<{ key: string; row: T | null }>): Promise<void> {
    if (this.closed) return Promise.reject(new StorageError(this.file, `${this.file} is closed (the store was closed)`));
    const staged: Array<Change<T>> = [];
    for (const c of changes) {
      if (c.row !== null) {
        const own = (c.row as Record<string, unknown>)[this.keyField];
        // The file stores rows, keyed by their own field; a mismatch would change the key on reopen.
        if (own !== c.key) return Promise.reject(new TypeError(`${this.file}: key "${c.key}" does not match the row's ${this.keyField} "${String(own)}"`));
      }
      staged.push({ key: c.key, row: c.row === null ? null : frozenCopy(c.row) });
    }
    if (staged.length === 0) return Promise.resolve();
    for (const c of staged) this.rows.stage(c);
    return this.commits.submit(staged);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.commits.drain();
  }

  private async flush(batch: Array<PendingItem<Array<Change<T>>>>): Promise<void> {
    const changes = batch.flatMap((p) => p.item);
    const previous = this.db.data;
    this.db.data = { version: DOC_FILE_VERSION, rows: [...this.rows.durableWith(changes).values()] };
    try {
      await this.db.write();
    } catch (err) {
      this.db.data = previous;
      this.rows.failed(changes, this.commits.queued.flatMap((p) => p.item));
      throw err;
    }
    this.rows.committed(changes);
  }
}
