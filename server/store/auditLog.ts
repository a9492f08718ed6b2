/**
 * The audit trail: every AppEvent as one JSON line in `<dataDir>/audit/audit-NNNNNN.jsonl`.
 * Segments rotate at ~10 MB and only the last 10 are kept, so the trail is bounded on disk.
 *
 * Events are buffered and written in batches (every 100 ms, on flush() and on close): auditing
 * must never add a disk sync to the request that caused the event. A failed batch stays buffered
 * (bounded) and is retried with the next one.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { AppEvent } from '../contracts';
import { auditMatcher, type AuditFilter } from '../contracts/auditFacets';
import { AppendFile } from './appendFile';
import { type Durability, fsyncDir, storageError } from './fsio';
import { openSegmentDir } from './segmentDir';
import type { AuditLog } from './types';

export const DEFAULT_AUDIT_SEGMENT_BYTES = 10 * 1024 * 1024;
export const DEFAULT_AUDIT_KEEP_SEGMENTS = 10;
const FLUSH_MS = 100;
/** Events kept in memory while the disk refuses writes; older ones are dropped beyond this. */
const MAX_BUFFERED = 50_000;
const READ_CHUNK = 64 * 1024;
const SEG_RE = /^audit-(\d{6,})\.jsonl$/;
const segFile = (dir: string, no: number) => path.join(dir, `audit-${String(no).padStart(6, '0')}.jsonl`);

export interface AuditLogOptions {
  durability: Durability;
  warn: (message: string) => void;
  segmentBytes?: number;
  keepSegments?: number;
}

export class SegmentedAuditLog implements AuditLog {
  private buffer: string[] = [];
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private active: AppendFile | undefined;
  private failing = false;
  private closed = false;
  private readonly segmentBytes: number;
  private readonly keep: number;

  private constructor(
    readonly dir: string,
    /** Segment numbers, oldest first; the last one is being appended to. */
    private readonly segments: number[],
    private readonly opts: AuditLogOptions,
  ) {
    this.segmentBytes = opts.segmentBytes ?? DEFAULT_AUDIT_SEGMENT_BYTES;
    this.keep = Math.max(1, opts.keepSegments ?? DEFAULT_AUDIT_KEEP_SEGMENTS);
  }

  static async open(dataDir: string, opts: AuditLogOptions): Promise<SegmentedAuditLog> {
    const dir = path.join(dataDir, 'audit');
    const { nos } = await openSegmentDir(dir, SEG_RE);
    const log = new SegmentedAuditLog(dir, nos, opts);
    const last = nos.at(-1);
    if (last !== undefined) {
      const file = segFile(dir, last);
      log.active = await AppendFile.open(file, opts.durability, await cutTornTail(file, opts));
    }
    return log;
  }

  append(event: AppEvent): void {
    if (this.closed) return;
    this.buffer.push(JSON.stringify(event) + '\n');
    if (this.buffer.length > MAX_BUFFERED) {
      const dropped = this.buffer.length - MAX_BUFFERED;
      this.buffer.splice(0, dropped);
      this.opts.warn(`audit log: dropped ${dropped} oldest unwritten events (the audit directory ${this.dir} is not writable)`);
    }
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.flush().catch(() => undefined);
      }, FLUSH_MS);
      // Pending audit lines must not keep a finished CLI process alive; close() flushes them.
      this.timer.unref();
    }
  }

  flush(): Promise<void> {
    const run = this.chain.then(() => this.writeBuffered());
    this.chain = run.catch(() => undefined);
    return run;
  }

  tail(limit: number): Promise<AppEvent[]> {
    return this.query({}, limit);
  }

  /** Newest first, up to `limit` matching events, read backwards over the segments (and what is not yet written). */
  async query(filter: AuditFilter, limit: number): Promise<AppEvent[]> {
    const out: AppEvent[] = [];
    if (limit <= 0) return out;
    const keep = auditMatcher(filter);
    // Unwritten events are the newest; after a successful flush the buffer is empty.
    await this.flush().catch(() => undefined);
    for (let i = this.buffer.length - 1; i >= 0 && out.length < limit; i--) pushParsed(out, this.buffer[i]!, keep);
    for (let s = this.segments.length - 1; s >= 0 && out.length < limit; s--) {
      await readLinesBackward(segFile(this.dir, this.segments[s]!), limit - out.length, out, keep);
    }
    return out;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    try {
      await this.flush();
    } finally {
      await this.active?.close();
    }
  }

  private async writeBuffered(): Promise<void> {
    if (this.buffer.length === 0) return;
    const lines = this.buffer;
    this.buffer = [];
    const data = Buffer.from(lines.join(''), 'utf8');
    try {
      if (!this.active || (this.active.size > 0 && this.active.size + data.length > this.segmentBytes)) await this.rotate();
      await this.active!.append(data);
      if (this.failing) this.opts.warn(`audit log: writing to ${this.dir} works again`);
      this.failing = false;
    } catch (err) {
      this.buffer = lines.concat(this.buffer);
      // Warn once per failure streak, not once per 100 ms.
      if (!this.failing) this.opts.warn(`audit log: ${(err as Error).message}; events are kept in memory and retried`);
      this.failing = true;
      throw err;
    }
  }

  private async rotate(): Promise<void> {
    // Called when there is no segment yet, or the current one is full (or was closed by a failed rotation).
    const no = (this.segments.at(-1) ?? 0) + 1;
    if (this.active) await this.active.close();
    this.active = undefined;
    this.active = await AppendFile.open(segFile(this.dir, no), this.opts.durability);
    this.segments.push(no);
    if (this.opts.durability === 'fsync') await fsyncDir(this.dir).catch((err) => this.opts.warn(storageError(this.dir, 'sync', err).message));
    while (this.segments.length > this.keep) {
      const old = this.segments.shift()!;
      await fsp.rm(segFile(this.dir, old), { force: true }).catch((err) => this.opts.warn(storageError(segFile(this.dir, old), 'remove', err).message));
    }
  }
}

function pushParsed(out: AppEvent[], line: string, keep: (e: AppEvent) => boolean): void {
  try {
    const e = JSON.parse(line) as AppEvent;
    if (keep(e)) out.push(e);
  } catch {
    // A damaged audit line is skipped: the trail is informational, never a source of truth.
  }
}

/** Appends up to `max` kept events from the end of `file` to `out`, newest first, reading 64 KB chunks backwards. */
async function readLinesBackward(file: string, max: number, out: AppEvent[], keep: (e: AppEvent) => boolean): Promise<void> {
  let fh;
  try {
    fh = await fsp.open(file, 'r');
  } catch {
    return; // rotated away meanwhile
  }
  try {
    let pos = (await fh.stat()).size;
    let carry: Buffer = Buffer.alloc(0);
    const start = out.length;
    while (out.length - start < max) {
      let buf: Buffer;
      if (pos > 0) {
        const from = Math.max(0, pos - READ_CHUNK);
        const chunk = Buffer.alloc(pos - from);
        await fh.read(chunk, 0, chunk.length, from);
        pos = from;
        buf = Buffer.concat([chunk, carry]);
      } else {
        buf = carry;
      }
      let end = buf.length;
      while (end > 0 && out.length - start < max) {
        const nl = buf.lastIndexOf(0x0a, end - 1);
        if (nl < 0) break;
        if (nl + 1 < end) pushParsed(out, buf.toString('utf8', nl + 1, end), keep);
        end = nl;
      }
      carry = buf.subarray(0, end);
      if (pos === 0) {
        if (carry.length > 0 && out.length - start < max) pushParsed(out, carry.toString('utf8'), keep);
        break;
      }
    }
  } finally {
    await fh.close();
  }
}

/** Cuts bytes after the last "\n" (a batch interrupted by a crash); returns the valid size. */
async function cutTornTail(file: string, opts: AuditLogOptions): Promise<number> {
  let fh;
  try {
    fh = await fsp.open(file, 'r+');
    const size = (await fh.stat()).size;
    let pos = size;
    let valid = 0;
    while (pos > 0) {
      const from = Math.max(0, pos - READ_CHUNK);
      const chunk = Buffer.alloc(pos - from);
      await fh.read(chunk, 0, chunk.length, from);
      const nl = chunk.lastIndexOf(0x0a);
      if (nl >= 0) {
        valid = from + nl + 1;
        break;
      }
      pos = from;
    }
    if (valid < size) {
      await fh.truncate(valid);
      if (opts.durability === 'fsync') await fh.sync();
      opts.warn(`${file}: dropped an incomplete last line (${size - valid} bytes) left by an interrupted write`);
    }
    return valid;
  } catch (err) {
    throw storageError(file, 'open', err);
  } finally {
    await fh?.close();
  }
}
