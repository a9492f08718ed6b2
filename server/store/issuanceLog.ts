/**
 * The token log: one line per token AuthPlane returned and per refresh-family change, written
 * before the response. It is the one durable record of both (see familyStore.ts for the family
 * index kept over it).
 *
 * On disk (`<dataDir>/issuances/`):
 *   seg-000001.jsonl            append-only lines, see issuanceSegment.ts ({"r":row}, {"f":family}, {"x":revocation})
 *   seg-000001.idx              binary index of the rows, written once the segment is sealed (issuanceIdx.ts)
 *   seg-000001.families.jsonl   the last state of each family changed in it, written at seal (familySidecar.ts)
 * A segment seals at `segmentRows` rows (default 50,000); a new one starts with the next append.
 *
 * Cost model: a token is ONE append (its row, and its family's new state when it has one, in one
 * line pair), group-committed: one write + one fdatasync per batch, never a rewrite. Open reads
 * the sealed segments' .idx files (typed arrays, no parsing per row) and families sidecars, and
 * replays only the active segment. Memory is ~27 bytes a row (columns) plus the dictionaries and
 * the revoked-jti map. Queries scan the columns and read only matching rows by offset.
 *
 * This file owns appends, revocations and sealing. Beside it: file names (issuanceFiles.ts),
 * opening and repair (issuanceOpen.ts), row reads by offset (issuanceRead.ts), queries
 * (issuanceQuery.ts) and the bulk writer for benchmarks (issuanceBulkWrite.ts).
 */
import { StorageError } from '../errors';
import type { Issuance } from '../contracts';
import { AppendFile, ReadOnlyFile } from './appendFile';
import { asFamily } from './familyRow';
import { familiesFile, type FamilyFile, type FamilyLoc, inSegment, type LocatedFamily, readFamilyRow, writeFamiliesSidecar } from './familySidecar';
import { type Durability, fsyncDir, storageError } from './fsio';
import { GroupCommit, type PendingItem } from './groupCommit';
import { issuancesDir, MAX_SEGMENT_BYTES, segmentFile, segmentRowsOf, writeIdxOrWarn } from './issuanceFiles';
import { openSegments } from './issuanceOpen';
import { listIssuances, missingJtis } from './issuanceQuery';
import { readSegmentRows } from './issuanceRead';
import { asIssuance, encodeFamilyLine, encodeRevocationLine, encodeRowLine, jtiHash, rowRevocation, type RevocationRecord, Segment } from './issuanceSegment';
import type { IssuanceLog, IssuanceQuery, RefreshFamily } from './types';

export interface IssuanceLogOptions {
  durability: Durability;
  warn: (message: string) => void;
  segmentRows?: number;
  /** Read the refresh families at open (default true; a reader of issuances alone skips them). */
  families?: boolean;
}

/**
 * A row, a family change (with the row of the token minted with it, if any: `rowBytes` is the
 * length of that row's line), a revocation, or a sync point.
 */
type LogItem =
  | { kind: 'r'; row: Issuance; line: Buffer }
  | { kind: 'f'; family: RefreshFamily; row?: Issuance; rowBytes: number; line: Buffer; loc?: FamilyLoc }
  | { kind: 'x'; rec: RevocationRecord; line: Buffer }
  | { kind: 's'; line: Buffer };

const EMPTY = Buffer.alloc(0);

interface Revocation {
  at: string;
  reason: string;
}

export class SegmentedIssuanceLog implements IssuanceLog {
  readonly segments: Segment[] = [];
  private readonly bySegNo = new Map<number, Segment>();
  private active: Segment | undefined;
  private readonly revoked = new Map<string, Revocation>();
  /** One revocation at a time per jti, so a second caller never returns before the first is durable. */
  private readonly revoking = new Map<string, Promise<Issuance | undefined>>();
  private readonly commits: GroupCommit<LogItem>;
  private total = 0;
  private nextSegNo = 1;
  private dirSynced = true;
  private closed = false;
  private readonly segmentRows: number;
  /** The families read at open, handed once to the family index (takeFamilies). */
  private openedFamilies: Map<string, LocatedFamily> | undefined;
  /** Families sidecars of sealed segments, opened on the first read of a family row there. */
  private readonly sidecars = new Map<number, ReadOnlyFile>();

  private constructor(
    readonly dir: string,
    private readonly opts: IssuanceLogOptions,
  ) {
    this.segmentRows = segmentRowsOf(opts.segmentRows);
    this.commits = new GroupCommit((batch) => this.flush(batch));
  }

  static async open(dataDir: string, opts: IssuanceLogOptions): Promise<SegmentedIssuanceLog> {
    const log = new SegmentedIssuanceLog(issuancesDir(dataDir), opts);
    await log.load();
    return log;
  }

  /** File writes so far (one per group-committed batch). */
  get fileWrites(): number {
    return this.commits.flushes;
  }

  append(row: Issuance): Promise<void> {
    if (this.closed) return Promise.reject(this.closedError());
    let item: LogItem;
    try {
      // Frozen, not copied: the line is encoded now and the index reads the row at flush time.
      const frozen = Object.freeze(asIssuance(row));
      item = { kind: 'r', row: frozen, line: Buffer.from(encodeRowLine(frozen) + '\n', 'utf8') };
    } catch (err) {
      return Promise.reject(err);
    }
    // The index learns the row only once it is durable (see flush): nothing to roll back on failure.
    return this.commits.submit(item);
  }

  /**
   * Appends a family's new state, with the row of the token minted with it: one line pair, one
   * durable write (the row first: a write cut between them leaves a row for a token never sent,
   * never a family change without its row). The caller hands the family row over, validated.
   * Resolves with where the row landed, for readFamily.
   */
  appendFamily(family: RefreshFamily, issued?: Issuance): Promise<FamilyLoc> {
    if (this.closed) return Promise.reject(this.closedError());
    let item: LogItem;
    try {
      const row = issued && Object.freeze(asIssuance(issued));
      const rowLine = row ? encodeRowLine(row) + '\n' : '';
      const rowBytes = Buffer.byteLength(rowLine, 'utf8');
      item = { kind: 'f', family: asFamily(family), row, rowBytes, line: Buffer.from(rowLine + encodeFamilyLine(family) + '\n', 'utf8') };
    } catch (err) {
      return Promise.reject(err);
    }
    return this.commits.submit(item).then(() => item.loc!);
  }

  /** The families read at open (the last state of each, and where it is), once: the family index takes them over. */
  takeFamilies(): Map<string, LocatedFamily> {
    const out = this.openedFamilies ?? new Map<string, LocatedFamily>();
    this.openedFamilies = undefined;
    return out;
  }

  /** The family row at `loc` (a durable line: segments and sidecars are never rewritten in place). */
  readFamily(loc: FamilyLoc): Promise<RefreshFamily> {
    let reader: FamilyFile | undefined = this.bySegNo.get(loc.seg)?.reader;
    if (loc.sidecar) {
      reader = this.sidecars.get(loc.seg);
      if (!reader) this.sidecars.set(loc.seg, (reader = new ReadOnlyFile(familiesFile(this.dir, loc.seg))));
    }
    try {
      if (!reader) throw new StorageError(this.dir, `${this.dir}: segment ${loc.seg} is not open`);
      return Promise.resolve(readFamilyRow(reader, loc));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * Resolves once the active segment is on disk, including what an earlier process wrote there
   * (a crashed process's writes may sit in the page cache only): for the one-time migration.
   */
  syncAll(): Promise<void> {
    if (this.closed) return Promise.reject(this.closedError());
    return this.commits.submit({ kind: 's', line: EMPTY });
  }

  async get(jti: string): Promise<Issuance | undefined> {
    return (await this.locate(jti))?.row;
  }

  /** Which of `jtis` the log does not hold (see issuanceQuery.ts). */
  missing(jtis: string[]): Promise<string[]> {
    return missingJtis({ segments: this.segments, readRows: (seg, rows) => this.readRows(seg, rows) }, jtis);
  }

  revoke(jti: string, at: string, reason: string): Promise<Issuance | undefined> {
    if (this.closed) return Promise.reject(this.closedError());
    const before = this.revoking.get(jti) ?? Promise.resolve(undefined);
    const run = before.catch(() => undefined).then(() => this.revokeNow(jti, at, reason));
    this.revoking.set(jti, run);
    const cleanup = () => {
      if (this.revoking.get(jti) === run) this.revoking.delete(jti);
    };
    run.then(cleanup, cleanup);
    return run;
  }

  isRevoked(jti: string): boolean {
    return this.revoked.has(jti);
  }

  list(q: IssuanceQuery): Promise<{ rows: Issuance[]; next_cursor?: string }> {
    return listIssuances({ segments: this.segments, readRows: (seg, rows) => this.readRows(seg, rows) }, q);
  }

  count(): number {
    return this.total;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.commits.drain();
    await Promise.all([...this.segments.map((s) => s.reader?.close()), ...[...this.sidecars.values()].map((r) => r.close())]);
  }

  // ---- open -------------------------------------------------------------------------------

  private async load(): Promise<void> {
    const { segments, nextSegNo, families } = await openSegments(this.dir, { ...this.opts, segmentRows: this.segmentRows, families: this.opts.families ?? true });
    this.openedFamilies = families;
    for (const seg of segments) {
      this.segments.push(seg);
      this.bySegNo.set(seg.no, seg);
      this.total += seg.rows;
    }
    this.nextSegNo = nextSegNo;
    const last = this.segments.at(-1);
    if (last && !last.sealed) this.active = last;
    // Revocations may point at rows of any segment: apply them once every segment is loaded.
    const unlocated: RevocationRecord[] = [];
    for (const seg of this.segments) {
      for (const rec of seg.revocations) if (!this.applyRevocation(rec)) unlocated.push(rec);
      if (seg.sealed) seg.revocations = [];
    }
    for (const rec of unlocated) {
      const hit = await this.locate(rec.jti);
      hit?.seg.setRevoked(hit.i, true);
    }
    if (this.active && this.active.rows >= this.segmentRows) {
      // Its tail may be a crashed process's unacknowledged write, still only in the page cache:
      // on disk before anything derived from it (.idx, families sidecar) is.
      await (this.active.reader as AppendFile).sync(true);
      await this.seal(this.active);
    }
  }

  /** Records a revocation; false when its row could not be located without a search. */
  private applyRevocation(rec: RevocationRecord): boolean {
    // The first revocation wins (revoke() is idempotent and keeps the first time).
    if (!this.revoked.has(rec.jti)) this.revoked.set(rec.jti, { at: rec.at, reason: rec.reason });
    const seg = rec.s === undefined ? undefined : this.bySegNo.get(rec.s);
    if (!seg || rec.i === undefined || rec.i >= seg.rows || seg.cols.jti[rec.i] !== jtiHash(rec.jti)) return false;
    seg.setRevoked(rec.i, true);
    return true;
  }

  // ---- writes -----------------------------------------------------------------------------

  private async revokeNow(jti: string, at: string, reason: string): Promise<Issuance | undefined> {
    if (this.closed) throw this.closedError();
    const hit = await this.locate(jti);
    // Already revoked (by an earlier call, or a row appended revoked): idempotent, first time kept.
    if (!hit || this.revoked.has(jti)) return hit?.row;
    const entry: Revocation = { at, reason };
    const rec: RevocationRecord = { jti, at, reason, s: hit.seg.no, i: hit.i };
    // Visible at once (introspection says "revoked" even before the fsync), undone if the write fails.
    this.revoked.set(jti, entry);
    hit.seg.setRevoked(hit.i, true);
    try {
      await this.commits.submit({ kind: 'x', rec, line: Buffer.from(encodeRevocationLine(rec) + '\n', 'utf8') });
    } catch (err) {
      if (this.revoked.get(jti) === entry) {
        this.revoked.delete(jti);
        hit.seg.setRevoked(hit.i, false);
      }
      throw err;
    }
    return { ...hit.row, revoked_at: at, revoked_reason: reason };
  }

  /**
   * Writes a batch into the active segment, sealing it and continuing in a new one when it fills
   * up. Items are settled chunk by chunk: a failure rejects only what was not yet durable.
   */
  private async flush(batch: Array<PendingItem<LogItem>>): Promise<void> {
    let next = 0;
    while (next < batch.length) {
      const first = next;
      // A sync point with no segment yet has nothing to make durable (and must not create a file).
      if (!this.active && batch[first]!.item.kind === 's') {
        batch[next++]!.resolve();
        continue;
      }
      try {
        const seg = await this.ensureActive();
        let rows = seg.rows;
        let bytes = 0;
        while (next < batch.length) {
          const item = batch[next]!.item;
          const isRow = item.kind === 'r' || (item.kind === 'f' && item.row !== undefined);
          if (isRow && rows >= this.segmentRows) break;
          if (bytes > 0 && seg.bytes + bytes + item.line.length > MAX_SEGMENT_BYTES) break;
          bytes += item.line.length;
          if (isRow) rows++;
          next++;
        }
        if (next === first) {
          await this.seal(seg);
          continue;
        }
        const chunk = batch.slice(first, next);
        let pos = await seg.reader.append(Buffer.concat(chunk.map((p) => p.item.line), bytes));
        if (chunk.some((p) => p.item.kind === 's')) await seg.reader.sync(true);
        seg.bytes = seg.reader.size;
        for (const p of chunk) {
          const item = p.item;
          if (item.kind === 'r') this.indexRow(seg, item.row, pos, item.line.length - 1);
          else if (item.kind === 'f') {
            if (item.row) this.indexRow(seg, item.row, pos, item.rowBytes - 1);
            const line = { start: pos + item.rowBytes, length: item.line.length - item.rowBytes - 1 };
            seg.familyLines.set(item.family.id, line);
            item.loc = inSegment(seg.no, line.start, line.length);
          } else if (item.kind === 'x') {
            seg.revocations.push(item.rec);
          }
          pos += item.line.length;
        }
        // Seal before acknowledging: once append() resolves, the files on disk are complete.
        if (seg.rows >= this.segmentRows || seg.bytes >= MAX_SEGMENT_BYTES) await this.seal(seg);
        for (const p of chunk) p.resolve();
      } catch (err) {
        for (const p of batch.slice(first)) p.reject(err);
        return;
      }
    }
  }

  private indexRow(seg: Segment, row: Issuance, pos: number, length: number): void {
    const i = seg.push(row, pos, length);
    this.total++;
    const rec = rowRevocation(row, seg.no, i);
    if (rec) {
      seg.revocations.push(rec);
      this.applyRevocation(rec);
    }
  }

  private async ensureActive(): Promise<Segment & { reader: AppendFile }> {
    if (!this.active) {
      const no = this.nextSegNo++;
      const seg = Segment.growable(no, segmentFile(this.dir, no), Math.min(this.segmentRows, 1024));
      seg.reader = await AppendFile.open(seg.file, this.opts.durability, 0);
      this.segments.push(seg);
      this.bySegNo.set(no, seg);
      this.active = seg;
      this.dirSynced = false;
    }
    // The new file's directory entry must be durable before any row in it is acknowledged.
    if (!this.dirSynced && this.opts.durability === 'fsync') {
      try {
        await fsyncDir(this.dir);
      } catch (err) {
        throw storageError(this.dir, 'sync the directory', err);
      }
    }
    this.dirSynced = true;
    return this.active as Segment & { reader: AppendFile };
  }

  /** Seals the active segment: narrows its columns and writes its sidecars; the next append starts a new one. */
  private async seal(seg: Segment): Promise<void> {
    seg.bytes = (seg.reader as AppendFile).size;
    seg.seal();
    if (this.active === seg) this.active = undefined;
    await writeFamiliesSidecar(this.dir, seg, this.opts);
    await writeIdxOrWarn(this.dir, seg, this.opts);
    seg.revocations = [];
  }

  // ---- reads ------------------------------------------------------------------------------

  private async locate(jti: string): Promise<{ seg: Segment; i: number; row: Issuance } | undefined> {
    const h = jtiHash(jti);
    const segments = [...this.segments];
    for (let s = segments.length - 1; s >= 0; s--) {
      const seg = segments[s]!;
      const col = seg.cols.jti;
      for (let i = seg.rows - 1; i >= 0; i--) {
        if (col[i] !== h) continue;
        const [row] = await this.readRows(seg, [i]);
        if (row && row.jti === jti) return { seg, i, row };
      }
    }
    return undefined;
  }

  /** Reads rows by index; revocations recorded since the row was written are merged into each. */
  private readRows(seg: Segment, rows: number[]): Promise<Issuance[]> {
    return readSegmentRows(seg, rows, (row) => this.merge(row));
  }

  private merge(row: Issuance): Issuance {
    const r = this.revoked.get(row.jti);
    if (!r || row.revoked_at) return row;
    return { ...row, revoked_at: r.at, revoked_reason: r.reason };
  }

  private closedError(): StorageError {
    return new StorageError(this.dir, `${this.dir} is closed (the store was closed)`);
  }
}
