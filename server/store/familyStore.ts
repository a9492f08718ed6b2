/**
 * Refresh-token families.
 *
 * File format: `families.jsonl`, append-only, one line per put holding the FULL row snapshot
 * (`{"id":"…","client_id":"…",…}\n`). The last line for an id wins. Replaying the file gives the
 * live set; a hash index (current, previous and consumed token hashes → family id) is rebuilt
 * from it. Dead lines (superseded snapshots, expired families) are compacted away at open and
 * whenever they outnumber live rows 2:1 (and exceed 10,000), by rewriting only live rows to a
 * temp file and renaming it over.
 */
import path from 'node:path';
import { StorageError } from '../errors';
import { AppendFile } from './appendFile';
import type { Durability } from './fsio';
import { GroupCommit, type PendingItem } from './groupCommit';
import { replayJsonl } from './jsonlReplay';
import { type Change, frozenCopy, frozenInPlace, LayeredRows } from './layeredRows';
import type { FamilyStore, RefreshFamily } from './types';

const DAY_MS = 24 * 3600 * 1000;
const COMPACT_MIN_DEAD = 10_000;

export interface FamilyStoreContext {
  durability: Durability;
  now: () => number;
  warn: (message: string) => void;
}

export class JsonlFamilyStore implements FamilyStore {
  private readonly rows: LayeredRows<RefreshFamily>;
  private readonly byHash = new Map<string, string>();
  private readonly commits: GroupCommit<Change<RefreshFamily>>;
  /** Complete lines in the file: the live rows plus dead snapshots. */
  private lines = 0;
  private closed = false;

  private constructor(
    private file: AppendFile,
    private readonly ctx: FamilyStoreContext,
  ) {
    this.rows = new LayeredRows<RefreshFamily>((id, before, after) => this.reindex(id, before, after));
    this.commits = new GroupCommit((batch) => this.flush(batch));
  }

  static async open(dataDir: string, ctx: FamilyStoreContext): Promise<JsonlFamilyStore> {
    const file = path.join(dataDir, 'families.jsonl');
    const latest = new Map<string, RefreshFamily>();
    const replay = await replayJsonl(
      file,
      ({ value }) => {
        const row = asFamily(value);
        latest.set(row.id, row);
      },
      ctx,
    );
    const now = ctx.now();
    const live = [...latest.values()].filter((f) => !isDead(f, now));
    // Rewriting costs O(live rows), less than the replay we just did: worth it whenever anything is dead.
    const appendFile =
      replay.lines > live.length ? await AppendFile.replace(file, serialize(live), ctx.durability) : await AppendFile.open(file, ctx.durability, replay.validBytes);
    const store = new JsonlFamilyStore(appendFile, ctx);
    store.lines = live.length;
    // Rows parsed just now and referenced nowhere else: freeze them, no copy (open time grows with live families).
    for (const f of live) store.rows.load(f.id, frozenInPlace(f));
    return store;
  }

  get fileWrites(): number {
    return this.commits.flushes;
  }

  get(id: string): RefreshFamily | undefined {
    return this.rows.view.get(id);
  }

  findByTokenHash(hash: string): RefreshFamily | undefined {
    const id = this.byHash.get(hash);
    return id === undefined ? undefined : this.rows.view.get(id);
  }

  put(family: RefreshFamily): Promise<void> {
    if (this.closed) return Promise.reject(new StorageError(this.file.file, `${this.file.file} is closed (the store was closed)`));
    let change: Change<RefreshFamily>;
    try {
      const row = frozenCopy(asFamily(family));
      change = { key: row.id, row };
    } catch (err) {
      return Promise.reject(err);
    }
    this.rows.stage(change);
    return this.commits.submit(change);
  }

  find(match: { client_id?: string; sub?: string; resource?: string }): RefreshFamily[] {
    const out: RefreshFamily[] = [];
    for (const f of this.rows.view.values()) {
      if (match.client_id !== undefined && f.client_id !== match.client_id) continue;
      if (match.sub !== undefined && f.sub !== match.sub) continue;
      if (match.resource !== undefined && f.resource !== match.resource) continue;
      out.push(f);
    }
    return out;
  }

  size(): number {
    return this.rows.view.size;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.commits.drain();
    await this.file.close();
  }

  private async flush(batch: Array<PendingItem<Change<RefreshFamily>>>): Promise<void> {
    const changes = batch.map((p) => p.item);
    try {
      await this.file.append(serialize(changes.map((c) => c.row as RefreshFamily)));
    } catch (err) {
      this.rows.failed(changes, this.commits.queued.map((p) => p.item));
      throw err;
    }
    this.rows.committed(changes);
    this.lines += changes.length;
    const dead = this.lines - this.rows.durable.size;
    if (dead > 2 * this.rows.durable.size && dead > COMPACT_MIN_DEAD) await this.compact();
  }

  /** Runs inside the commit loop, so no append can interleave with the rewrite. */
  private async compact(): Promise<void> {
    const now = this.ctx.now();
    for (const [id, row] of [...this.rows.durable]) {
      // A family with a staged (not yet written) change is kept: that write will follow.
      if (isDead(row, now) && this.rows.view.get(id) === row) this.rows.forget(id);
    }
    const live = [...this.rows.durable.values()];
    try {
      const next = await AppendFile.replace(this.file.file, serialize(live), this.ctx.durability);
      await this.file.close();
      this.file = next;
      this.lines = live.length;
    } catch (err) {
      // Not fatal: every row is still in the (longer) old file; try again after later writes.
      this.ctx.warn(`could not compact ${this.file.file}: ${(err as Error).message}`);
    }
  }

  private reindex(id: string, before: RefreshFamily | undefined, after: RefreshFamily | undefined): void {
    if (before) for (const h of tokenHashes(before)) if (this.byHash.get(h) === id) this.byHash.delete(h);
    if (after) for (const h of tokenHashes(after)) this.byHash.set(h, id);
  }
}

function tokenHashes(f: RefreshFamily): string[] {
  const out = [f.current.hash, ...f.consumed];
  if (f.previous) out.push(f.previous.hash);
  return out;
}

/** Expired, or revoked more than a day ago (kept that long so reuse of its tokens still says "revoked"). */
function isDead(f: RefreshFamily, now: number): boolean {
  if (Date.parse(f.expires_at) < now) return true;
  return f.revoked_at !== undefined && Date.parse(f.revoked_at) < now - DAY_MS;
}

function serialize(rows: RefreshFamily[]): Buffer {
  let text = '';
  for (const r of rows) text += JSON.stringify(r) + '\n';
  return Buffer.from(text, 'utf8');
}

/** Checks what the store itself relies on (id, hashes, expiry); the domain owns the rest. */
function asFamily(value: unknown): RefreshFamily {
  const f = value as Partial<RefreshFamily> | null;
  const problem =
    !f || typeof f !== 'object' || Array.isArray(f)
      ? 'is not a JSON object'
      : typeof f.id !== 'string' || f.id === ''
        ? 'has no "id"'
        : typeof f.current?.hash !== 'string'
          ? 'has no "current.hash"'
          : !Array.isArray(f.consumed) || f.consumed.some((h) => typeof h !== 'string')
            ? 'has no "consumed" list of hashes'
            : typeof f.expires_at !== 'string'
              ? 'has no "expires_at"'
              : f.previous !== undefined && typeof f.previous?.hash !== 'string'
                ? 'has a "previous" without "hash"'
                : undefined;
  if (problem) throw new TypeError(`is not a refresh family row (it ${problem})`);
  return f as RefreshFamily;
}
