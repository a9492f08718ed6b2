/**
 * The issuance log: one row per token AuthPlane returned, written before the response.
 *
 * On disk (`<dataDir>/issuances/`):
 *   seg-000001.jsonl   append-only lines, see issuanceSegment.ts ({"r":row} / {"x":revocation})
 *   seg-000001.idx     binary sidecar index, written once the segment is sealed (issuanceIdx.ts)
 * A segment seals at `segmentRows` rows (default 50,000); a new one starts with the next append.
 *
 * Cost model: an append is one line (group-committed: one write + one fdatasync per batch), never
 * a rewrite. Open reads the sealed segments' .idx files (typed arrays, no parsing per row) and
 * replays only the active segment. Memory is ~27 bytes a row (columns) plus the dictionaries and
 * the revoked-jti map. Queries scan the columns and read only matching rows by offset.
 */
import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { CorruptDataError, StorageError } from '../errors';
import type { Issuance } from '../contracts';
import { AppendFile, ReadOnlyFile } from './appendFile';
import { atomicWriteFile, type Durability, fsyncDir, mkdirPrivate, removeStaleTempFiles, storageError, writeFully, FILE_MODE } from './fsio';
import { GroupCommit, type PendingItem } from './groupCommit';
import { decodeIdx, encodeIdx } from './issuanceIdx';
import { listIssuances } from './issuanceQuery';
import { asIssuance, encodeRevocationLine, encodeRowLine, jtiHash, parseSegmentLine, type RevocationRecord, Segment } from './issuanceSegment';
import { replayJsonl } from './jsonlReplay';
import type { IssuanceLog, IssuanceQuery } from './types';

export const DEFAULT_SEGMENT_ROWS = 50_000;
/** Offsets are u32: a segment seals early rather than grow past 4 GiB. */
const MAX_SEGMENT_BYTES = 0xffff_ffff;
/** Reads of matched rows closer than this are merged into one read. */
const READ_GAP = 64 * 1024;
const MAX_READ = 4 * 1024 * 1024;

export const issuancesDir = (dataDir: string) => path.join(dataDir, 'issuances');
const segName = (no: number) => `seg-${String(no).padStart(6, '0')}`;
const SEG_RE = /^seg-(\d{6,})\.jsonl$/;

export interface IssuanceLogOptions {
  durability: Durability;
  warn: (message: string) => void;
  segmentRows?: number;
}

/** A row, a revocation, or a sync point; `sync` false: written now, made durable by a later sync. */
type LogItem = { kind: 'r'; row: Issuance; line: Buffer; sync: boolean } | { kind: 'x'; rec: RevocationRecord; line: Buffer; sync: true } | { kind: 's'; line: Buffer; sync: true; force: boolean };

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

  private constructor(
    readonly dir: string,
    private readonly opts: IssuanceLogOptions,
  ) {
    this.segmentRows = Math.max(1, Math.floor(opts.segmentRows ?? DEFAULT_SEGMENT_ROWS));
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

  append(row: Issuance, opts: { sync?: boolean } = {}): Promise<void> {
    if (this.closed) return Promise.reject(this.closedError());
    let item: LogItem;
    try {
      // Frozen, not copied: the line is encoded now and the index reads the row at flush time.
      const frozen = Object.freeze(asIssuance(row));
      item = { kind: 'r', row: frozen, line: Buffer.from(encodeRowLine(frozen) + '\n', 'utf8'), sync: opts.sync ?? true };
    } catch (err) {
      return Promise.reject(err);
    }
    // The index learns the row only once it is durable (see flush): nothing to roll back on failure.
    return this.commits.submit(item);
  }

  /**
   * Resolves once every append submitted before this call is durable (unsynced ones included).
   * `force`: also what earlier processes wrote (recovery after a crash must not trust the page cache).
   */
  syncPoint(opts: { force?: boolean } = {}): Promise<void> {
    if (this.closed) return Promise.reject(this.closedError());
    return this.commits.submit({ kind: 's', line: EMPTY, sync: true, force: opts.force ?? false });
  }

  async get(jti: string): Promise<Issuance | undefined> {
    return (await this.locate(jti))?.row;
  }

  /**
   * Which of `jtis` the log does not hold. One pass over every segment's hash column, reading a
   * row only on a hash match: a power cut can leave thousands of journaled rows to check, and
   * get() on each would scan every segment for every one.
   */
  async missing(jtis: string[]): Promise<string[]> {
    const wanted = new Map<number, Set<string>>();
    for (const jti of jtis) {
      const h = jtiHash(jti);
      let set = wanted.get(h);
      if (!set) wanted.set(h, (set = new Set()));
      set.add(jti);
    }
    const found = new Set<string>();
    for (const seg of [...this.segments]) {
      const col = seg.cols.jti;
      const hits: number[] = [];
      for (let i = 0; i < seg.rows; i++) if (wanted.has(col[i]!)) hits.push(i);
      if (!hits.length) continue;
      for (const row of await this.readRows(seg, hits)) if (wanted.get(jtiHash(row.jti))?.has(row.jti)) found.add(row.jti);
    }
    return jtis.filter((j) => !found.has(j));
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
    await (this.active?.reader as AppendFile | undefined)?.sync().catch((err: Error) => this.opts.warn(`could not sync ${this.active?.file} at close: ${err.message}`));
    await Promise.all(this.segments.map((s) => s.reader?.close()));
  }

  // ---- open -------------------------------------------------------------------------------

  private async load(): Promise<void> {
    await mkdirPrivate(this.dir);
    await removeStaleTempFiles(this.dir);
    let names: string[];
    try {
      names = await fsp.readdir(this.dir);
    } catch (err) {
      throw storageError(this.dir, 'list', err);
    }
    const nos = names
      .map((n) => SEG_RE.exec(n)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    const idxNames = new Set(names.filter((n) => n.endsWith('.idx')));
    // Sealed segments are independent: load their indexes concurrently.
    const loaded = await Promise.all(nos.map((no, k) => this.loadSegment(no, k === nos.length - 1, idxNames.has(`${segName(no)}.idx`))));
    for (const seg of loaded) {
      this.segments.push(seg);
      this.bySegNo.set(seg.no, seg);
      this.total += seg.rows;
    }
    this.nextSegNo = (nos.at(-1) ?? 0) + 1;
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
    if (this.active && this.active.rows >= this.segmentRows) await this.seal(this.active);
  }

  private async loadSegment(no: number, isLast: boolean, hasIdx: boolean): Promise<Segment> {
    const file = path.join(this.dir, `${segName(no)}.jsonl`);
    const idxFile = path.join(this.dir, `${segName(no)}.idx`);
    if (hasIdx) {
      const problem = await this.tryIdx(no, file, idxFile);
      if (problem instanceof Segment) {
        problem.reader = new ReadOnlyFile(file);
        return problem;
      }
      this.opts.warn(`${idxFile}: ${problem}; rebuilding it from ${file}`);
    } else if (!isLast) {
      this.opts.warn(`${idxFile} is missing; rebuilding it from ${file}`);
    }
    const { seg, validBytes } = await this.replaySegment(no, file);
    if (isLast && !hasIdx) {
      // The active segment: keep appending right after its last complete line.
      seg.reader = await AppendFile.open(file, this.opts.durability, validBytes);
      return seg;
    }
    seg.seal();
    await this.writeIdx(seg);
    seg.reader = new ReadOnlyFile(file);
    return seg;
  }

  private async tryIdx(no: number, file: string, idxFile: string): Promise<Segment | string> {
    let buf: Buffer;
    let size: number;
    try {
      [buf, size] = await Promise.all([fsp.readFile(idxFile), fsp.stat(file).then((s) => s.size)]);
    } catch (err) {
      return `could not be read (${(err as Error).message})`;
    }
    const seg = decodeIdx(buf, no, file);
    if (typeof seg === 'string') return seg;
    if (seg.bytes !== size) return `it covers ${seg.bytes} bytes but the segment has ${size}`;
    return seg;
  }

  private async replaySegment(no: number, file: string): Promise<{ seg: Segment; validBytes: number }> {
    const seg = Segment.growable(no, file, Math.min(this.segmentRows, 1024));
    const { validBytes } = await replayJsonl(
      file,
      ({ value, start, end }) => {
        const line = parseSegmentLine(value);
        if (line.kind === 'r') {
          const i = seg.push(line.row, start, end - start);
          if (line.row.revoked_at) seg.revocations.push({ jti: line.row.jti, at: line.row.revoked_at, reason: line.row.revoked_reason ?? '', s: no, i });
        } else {
          seg.revocations.push(line.rec);
        }
      },
      this.opts,
    );
    seg.bytes = validBytes;
    return { seg, validBytes };
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
      await this.commits.submit({ kind: 'x', rec, line: Buffer.from(encodeRevocationLine(rec) + '\n', 'utf8'), sync: true });
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
          if (item.kind === 'r' && rows >= this.segmentRows) break;
          if (bytes > 0 && seg.bytes + bytes + item.line.length > MAX_SEGMENT_BYTES) break;
          bytes += item.line.length;
          if (item.kind === 'r') rows++;
          next++;
        }
        if (next === first) {
          await this.seal(seg);
          continue;
        }
        const chunk = batch.slice(first, next);
        let pos = await seg.reader.append(Buffer.concat(chunk.map((p) => p.item.line), bytes), chunk.some((p) => p.item.sync));
        if (chunk.some((p) => p.item.kind === 's' && p.item.force)) await seg.reader.sync(true);
        seg.bytes = seg.reader.size;
        for (const p of chunk) {
          const item = p.item;
          if (item.kind === 'r') {
            const i = seg.push(item.row, pos, item.line.length - 1);
            this.total++;
            if (item.row.revoked_at) {
              const rec = { jti: item.row.jti, at: item.row.revoked_at, reason: item.row.revoked_reason ?? '', s: seg.no, i };
              seg.revocations.push(rec);
              this.applyRevocation(rec);
            }
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

  private async ensureActive(): Promise<Segment & { reader: AppendFile }> {
    if (!this.active) {
      const no = this.nextSegNo++;
      const file = path.join(this.dir, `${segName(no)}.jsonl`);
      const seg = Segment.growable(no, file, Math.min(this.segmentRows, 1024));
      seg.reader = await AppendFile.open(file, this.opts.durability, 0);
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

  /** Seals the active segment: narrows its columns and writes its .idx; the next append starts a new one. */
  private async seal(seg: Segment): Promise<void> {
    // Rows appended unsynced (their family journal line holds them meanwhile) are made durable
    // before the segment is sealed and indexed: a sealed segment is complete on disk.
    await (seg.reader as AppendFile).sync();
    seg.bytes = (seg.reader as AppendFile).size;
    seg.seal();
    if (this.active === seg) this.active = undefined;
    await this.writeIdx(seg);
    seg.revocations = [];
  }

  /** A failed idx write is not fatal: the segment is complete on disk and its idx is rebuilt at the next open. */
  private async writeIdx(seg: Segment): Promise<void> {
    const idxFile = path.join(this.dir, `${segName(seg.no)}.idx`);
    try {
      await atomicWriteFile(idxFile, encodeIdx(seg), { durability: this.opts.durability });
    } catch (err) {
      this.opts.warn(`${(err as Error).message}; it will be rebuilt from ${seg.file} at the next start`);
    }
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

  /** Reads rows by index with nearby rows merged into one read; revocations merged into each row. */
  private async readRows(seg: Segment, rows: number[]): Promise<Issuance[]> {
    const { offset, length } = seg.cols;
    const order = rows.map((_, k) => k).sort((a, b) => offset[rows[a]!]! - offset[rows[b]!]!);
    const ranges: Array<{ start: number; end: number; members: number[] }> = [];
    for (const k of order) {
      const start = offset[rows[k]!]!;
      const end = start + length[rows[k]!]!;
      const last = ranges.at(-1);
      if (last && start - last.end <= READ_GAP && end - last.start <= MAX_READ) {
        last.end = Math.max(last.end, end);
        last.members.push(k);
      } else {
        ranges.push({ start, end, members: [k] });
      }
    }
    const out = new Array<Issuance>(rows.length);
    await Promise.all(
      ranges.map(async (r) => {
        const buf = await seg.reader!.read(r.start, r.end - r.start);
        for (const k of r.members) {
          const at = offset[rows[k]!]! - r.start;
          out[k] = this.merge(this.parseRow(seg, buf.toString('utf8', at, at + length[rows[k]!]!), offset[rows[k]!]!));
        }
      }),
    );
    return out;
  }

  private parseRow(seg: Segment, text: string, at: number): Issuance {
    try {
      const line = parseSegmentLine(JSON.parse(text));
      if (line.kind === 'r') return line.row;
      throw new TypeError('is a revocation where an issuance row was expected');
    } catch (err) {
      throw new CorruptDataError(seg.file, `${seg.file} at byte ${at} does not hold the issuance row its index points to (${(err as Error).message}); the file changed after it was indexed. Delete ${segName(seg.no)}.idx to rebuild the index.`, { cause: err });
    }
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

/**
 * Fast bulk writer for benchmarks and scale tests: writes `rows` into `<dataDir>/issuances/` as
 * sealed segments (.jsonl + .idx) exactly as the live log would, plus a final partial segment
 * (the active one). The log must be empty; nothing else may have the data dir open.
 */
export async function writeIssuanceSegments(
  dataDir: string,
  rows: Iterable<Issuance>,
  opts: { segmentRows?: number; durability?: Durability } = {},
): Promise<{ rows: number; segments: number }> {
  const dir = issuancesDir(dataDir);
  const segmentRows = Math.max(1, Math.floor(opts.segmentRows ?? DEFAULT_SEGMENT_ROWS));
  const durability = opts.durability ?? 'os';
  await mkdirPrivate(dataDir);
  await mkdirPrivate(dir);
  if ((await fsp.readdir(dir)).some((n) => SEG_RE.test(n))) throw new StorageError(dir, `${dir} already holds issuance segments; writeIssuanceSegments only fills an empty log`);
  let no = 0;
  let total = 0;
  let seg: Segment | undefined;
  let fh: FileHandle | undefined;
  let pending: string[] = [];
  let pendingBytes = 0;
  const flushText = async () => {
    if (!pending.length) return;
    await writeFully(fh!, Buffer.from(pending.join(''), 'utf8'), seg!.bytes - pendingBytes);
    pending = [];
    pendingBytes = 0;
  };
  const finish = async (sealIt: boolean) => {
    await flushText();
    if (durability === 'fsync') await fh!.sync();
    await fh!.close();
    if (sealIt) {
      seg!.seal();
      await atomicWriteFile(path.join(dir, `${segName(seg!.no)}.idx`), encodeIdx(seg!), { durability });
    }
  };
  try {
    for (const input of rows) {
      if (!seg) {
        seg = Segment.growable(++no, path.join(dir, `${segName(no)}.jsonl`), segmentRows);
        fh = await fsp.open(seg.file, 'wx', FILE_MODE);
      }
      const row = asIssuance(input);
      const line = encodeRowLine(row);
      const len = Buffer.byteLength(line, 'utf8');
      const i = seg.push(row, seg.bytes, len);
      if (row.revoked_at) seg.revocations.push({ jti: row.jti, at: row.revoked_at, reason: row.revoked_reason ?? '', s: seg.no, i });
      pending.push(line, '\n');
      seg.bytes += len + 1;
      pendingBytes += len + 1;
      total++;
      if (pendingBytes >= 4 * 1024 * 1024) await flushText();
      if (seg.rows >= segmentRows) {
        await finish(true);
        seg = undefined;
        fh = undefined;
      }
    }
    if (seg) await finish(false);
    if (durability === 'fsync') await fsyncDir(dir);
  } catch (err) {
    await fh?.close().catch(() => undefined);
    throw storageError(seg?.file ?? dir, 'write', err);
  }
  return { rows: total, segments: no };
}
