/**
 * Refresh-token families, and the journal of the access tokens minted with them.
 *
 * File format: `families.jsonl`, append-only, one line per put holding the FULL row snapshot
 * (`{"id":"…","client_id":"…",…}\n`). The last line for an id wins. Replaying the file gives the
 * live set; a hash index (current, previous and consumed token hashes → family id) is rebuilt
 * from it. Dead lines (superseded snapshots, expired families) are compacted away at open and
 * whenever they outnumber live rows 2:1 (and exceed 10,000), by rewriting only live rows to a
 * temp file and renaming it over.
 *
 * Journal: a token with a refresh token changes two things, its issuance row and its family. Both
 * go into ONE durable write here, an `{"issuance":{…}}` line followed by the family line, while
 * the issuance log gets the row written but not yet synced: one fdatasync per token instead of
 * two. Every second (and before a compaction and at close) the issuance log is synced and a
 * `{"checkpoint":1}` line is appended. A row's issuance append is submitted before its family
 * line, so once checkpoint k is written, every row journaled before checkpoint k-1 is durable in
 * the issuance log; at open, the rows journaled after the second-to-last checkpoint that the
 * issuance log lacks (lost with the page cache in a power cut) are appended to it again.
 * `{"checkpoint":"all"}` (at close, after recovery) means every row before it is durable. Replay
 * does not parse `{"issuance":` lines unless they follow the second-to-last checkpoint, so the
 * journal adds almost nothing to the start-up cost of the families.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { StorageError } from '../errors';
import { AppendFile } from './appendFile';
import type { Durability } from './fsio';
import { GroupCommit, type PendingItem } from './groupCommit';
import { corruptLine, replayJsonl } from './jsonlReplay';
import { type Change, frozenInPlace, LayeredRows } from './layeredRows';
import type { Issuance } from '../contracts';
import { asIssuance } from './issuanceSegment';
import type { FamilyStore, RefreshFamily } from './types';

const DAY_MS = 24 * 3600 * 1000;
const COMPACT_MIN_DEAD = 10_000;
const CHECKPOINT_MS = 1000;

/** The issuance log, as the journal sees it. */
export interface JournaledLog {
  append(row: Issuance, opts: { sync: boolean }): Promise<void>;
  syncPoint(opts?: { force?: boolean }): Promise<void>;
  /** Which of these jtis the log does not hold. */
  missing(jtis: string[]): Promise<string[]>;
}

export interface FamilyStoreContext {
  durability: Durability;
  now: () => number;
  warn: (message: string) => void;
  /** Where the issuance rows journaled here belong; without it put() takes no `issued` row. */
  journal?: JournaledLog;
}

/** At open the issuance log may still be opening: replay does not wait for it, recovery does. */
export type FamilyStoreOpenContext = Omit<FamilyStoreContext, 'journal'> & { journal?: JournaledLog | Promise<JournaledLog> };

type Item = { change: Change<RefreshFamily>; issued?: Issuance } | { checkpoint: 1 | 'all' };
type JournalLine = { buf: Buffer; start: number; end: number; lineNo: number };
const ISSUANCE_PREFIX = Buffer.from('{"issuance":');

export class JsonlFamilyStore implements FamilyStore {
  private readonly rows: LayeredRows<RefreshFamily>;
  private readonly byHash = new Map<string, string>();
  private readonly commits: GroupCommit<Item>;
  /** Complete lines in the file: the live rows plus dead snapshots and checkpoints. */
  private lines = 0;
  private closed = false;
  /** Rows were journaled since the last checkpoint. */
  private journaled = false;
  private checkpointing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    private file: AppendFile,
    private readonly ctx: FamilyStoreContext,
  ) {
    this.rows = new LayeredRows<RefreshFamily>((id, before, after) => this.reindex(id, before, after));
    this.commits = new GroupCommit((batch) => this.flush(batch));
  }

  static async open(dataDir: string, opening: FamilyStoreOpenContext): Promise<JsonlFamilyStore> {
    const file = path.join(dataDir, 'families.jsonl');
    const latest = new Map<string, RefreshFamily>();
    // Journaled rows not yet known durable: those after the second-to-last checkpoint (kept as
    // byte ranges of the file, parsed only if they are still pending at the end).
    let beforeLast: JournalLine[] = [];
    let sinceLast: JournalLine[] = [];
    const replay = await replayJsonl(
      file,
      ({ value }) => {
        const v = value as Record<string, unknown> | null;
        if (v && typeof v === 'object' && 'checkpoint' in v) {
          beforeLast = v.checkpoint === 'all' ? [] : sinceLast;
          sinceLast = [];
          return;
        }
        const row = asFamily(value);
        latest.set(row.id, row);
      },
      {
        ...opening,
        raw: (buf, start, end, lineNo) => {
          if (end - start < ISSUANCE_PREFIX.length || buf.compare(ISSUANCE_PREFIX, 0, ISSUANCE_PREFIX.length, start, start + ISSUANCE_PREFIX.length) !== 0) return false;
          sinceLast.push({ buf, start, end, lineNo });
          return true;
        },
      },
    );
    const ctx: FamilyStoreContext = { ...opening, journal: await opening.journal };
    const pending = [...beforeLast, ...sinceLast].map((l) => parseJournalLine(file, l));
    const recovered = pending.length ? await recover(pending, ctx) : 0;
    const now = ctx.now();
    const live = [...latest.values()].filter((f) => !isDead(f, now));
    // Rewriting costs O(live rows), less than the replay we just did: worth it whenever anything is
    // dead. It also drops the journal lines, whose rows are durable in the issuance log by now.
    const rewrite = replay.lines > live.length;
    const appendFile = rewrite ? await AppendFile.replace(file, serializeRows(live), ctx.durability) : await AppendFile.open(file, ctx.durability, replay.validBytes);
    const store = new JsonlFamilyStore(appendFile, ctx);
    store.lines = rewrite ? live.length : replay.lines;
    // Rows parsed just now and referenced nowhere else: freeze them, no copy (open time grows with live families).
    for (const f of live) store.rows.load(f.id, frozenInPlace(f));
    // The recovered rows are durable now: say so, so the next open need not look them up again.
    if (pending.length && !rewrite) await store.commits.submit({ checkpoint: 'all' });
    if (recovered) ctx.warn(`${file}: ${recovered} issuance row(s) journaled here were missing from the issuance log (lost in a crash before their sync) and have been restored`);
    if (ctx.journal) store.timer = setInterval(() => void store.checkpoint(), CHECKPOINT_MS).unref();
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

  put(family: RefreshFamily, issued?: Issuance): Promise<void> {
    if (this.closed) return Promise.reject(new StorageError(this.file.file, `${this.file.file} is closed (the store was closed)`));
    if (issued && !this.ctx.journal) return Promise.reject(new TypeError('this family store journals no issuance log'));
    let change: Change<RefreshFamily>;
    try {
      // Frozen where it is, not copied: the caller hands the row over (a later write to it throws).
      const row = frozenInPlace(asFamily(family));
      change = { key: row.id, row };
    } catch (err) {
      return Promise.reject(err);
    }
    // Submitted before the family line, in the same tick: the checkpoint rule relies on it.
    const rowWrite = issued ? this.ctx.journal!.append(issued, { sync: false }) : undefined;
    this.rows.stage(change);
    const write = this.commits.submit({ change, issued });
    return rowWrite ? Promise.all([write, rowWrite]).then(() => undefined) : write;
  }

  /** Syncs the issuance log, then records that: rows journaled before the previous checkpoint are safe. */
  checkpoint(): Promise<void> {
    if (!this.journaled || this.closed || !this.ctx.journal) return this.checkpointing ?? Promise.resolve();
    this.checkpointing ??= (async () => {
      this.journaled = false;
      try {
        await this.mark(1);
      } catch (err) {
        this.journaled = true;
        this.ctx.warn(`journal checkpoint failed (it is retried): ${(err as Error).message}`);
      } finally {
        this.checkpointing = undefined;
      }
    })();
    return this.checkpointing;
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

  /** Syncs the issuance log, then writes a checkpoint saying so (see the file's doc comment). */
  private async mark(kind: 1 | 'all'): Promise<void> {
    await this.ctx.journal!.syncPoint();
    await this.commits.submit({ checkpoint: kind });
  }

  /** Call before closing the issuance log: the final checkpoint syncs it. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    await this.checkpointing;
    await this.commits.drain();
    if (this.journaled && this.ctx.journal) {
      try {
        await this.mark('all');
      } catch (err) {
        // Not fatal: the rows are journaled here and are checked again at the next open.
        this.ctx.warn(`final journal checkpoint failed: ${(err as Error).message}`);
      }
    }
    await this.file.close();
  }

  private async flush(batch: Array<PendingItem<Item>>): Promise<void> {
    const items = batch.map((p) => p.item);
    const changes = items.filter((i) => 'change' in i).map((i) => i.change);
    try {
      await this.file.append(serialize(items));
    } catch (err) {
      this.rows.failed(changes, this.commits.queued.flatMap((p) => ('change' in p.item ? [p.item.change] : [])));
      throw err;
    }
    this.rows.committed(changes);
    if (items.some((i) => 'issued' in i && i.issued)) this.journaled = true;
    this.lines += items.length + items.filter((i) => 'issued' in i && i.issued).length;
    const dead = this.lines - this.rows.durable.size;
    if (dead > 2 * this.rows.durable.size && dead > COMPACT_MIN_DEAD) await this.compact();
  }

  /** Runs inside the commit loop, so no append can interleave with the rewrite. */
  private async compact(): Promise<void> {
    // The rewrite drops the journaled rows: make them durable in the issuance log first.
    try {
      await this.ctx.journal?.syncPoint();
    } catch (err) {
      this.ctx.warn(`could not compact ${this.file.file}: ${(err as Error).message}`);
      return;
    }
    const now = this.ctx.now();
    for (const [id, row] of [...this.rows.durable]) {
      // A family with a staged (not yet written) change is kept: that write will follow.
      if (isDead(row, now) && this.rows.view.get(id) === row) this.rows.forget(id);
    }
    const live = [...this.rows.durable.values()];
    try {
      const next = await AppendFile.replace(this.file.file, serializeRows(live), this.ctx.durability);
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

function serialize(items: Item[]): Buffer {
  let text = '';
  for (const i of items) {
    if ('checkpoint' in i) text += JSON.stringify({ checkpoint: i.checkpoint }) + '\n';
    else {
      // The row first: a write cut between the two lines leaves a row for a token never sent, never the reverse.
      if (i.issued) text += JSON.stringify({ issuance: i.issued }) + '\n';
      text += JSON.stringify(i.change.row) + '\n';
    }
  }
  return Buffer.from(text, 'utf8');
}

/**
 * How many journaled rows the next open would have to check (those after the second-to-last
 * checkpoint), read from the end of families.jsonl without parsing it: 0 after a clean close.
 * Lets a read-only reader of the issuance log know it sees every row.
 */
export async function pendingJournalRows(dataDir: string): Promise<number> {
  const file = path.join(dataDir, 'families.jsonl');
  const fh = await fsp.open(file, 'r').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (!fh) return 0;
  try {
    const CHUNK = 256 * 1024;
    let end = (await fh.stat()).size;
    let carry = Buffer.alloc(0);
    let pending = 0;
    let checkpoints = 0;
    while (end > 0) {
      const start = Math.max(0, end - CHUNK);
      const buf = Buffer.allocUnsafe(end - start);
      await fh.read(buf, 0, buf.length, start);
      const text = Buffer.concat([buf, carry]);
      // Whole lines only: the first (partial) line waits for the next chunk, unless at the file start.
      let cut = start === 0 ? 0 : text.indexOf(0x0a) + 1;
      if (start > 0 && cut === 0) cut = text.length;
      carry = text.subarray(0, cut);
      const lines = text.subarray(cut).toString('utf8').split('\n');
      for (let i = lines.length - 1; i >= 0; i--) {
        const line = lines[i]!;
        if (line.startsWith('{"issuance":')) pending++;
        else if (line.startsWith('{"checkpoint":')) {
          if (line.startsWith('{"checkpoint":"all"') || ++checkpoints === 2) return pending;
        }
      }
      end = start;
      if (start === 0) break;
    }
    return pending;
  } finally {
    await fh.close();
  }
}

function parseJournalLine(file: string, l: JournalLine): Issuance {
  try {
    return asIssuance((JSON.parse(l.buf.toString('utf8', l.start, l.end)) as { issuance: unknown }).issuance);
  } catch (err) {
    throw corruptLine(file, l.lineNo, err instanceof SyntaxError ? `is not valid JSON (${err.message})` : (err as Error).message, err);
  }
}

const serializeRows = (rows: RefreshFamily[]): Buffer => serialize(rows.map((row) => ({ change: { key: row.id, row } })));

/** Appends the journaled rows the issuance log lacks, durably; returns how many. */
async function recover(rows: Issuance[], ctx: FamilyStoreContext): Promise<number> {
  const log = ctx.journal;
  if (!log) throw new TypeError('families.jsonl holds journaled issuance rows but no issuance log was given to restore them to');
  const byJti = new Map(rows.map((r) => [r.jti, r]));
  const missing = (await log.missing([...byJti.keys()])).map((jti) => byJti.get(jti)!);
  await Promise.all(missing.map((r) => log.append(r, { sync: false })));
  // Forced: rows found present may be only in the page cache, written by the process that crashed.
  await log.syncPoint({ force: true });
  return missing.length;
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
