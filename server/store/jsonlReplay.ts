/**
 * Replays an append-only JSONL file at open. Every append is one write ending in "\n", acknowledged
 * only after its sync, so bytes after the last "\n" can only be a write interrupted by a crash:
 * never acknowledged, safe to cut away (with a warning). A bad line anywhere before that is real
 * damage: a CorruptDataError naming the file and line, and the file is left as it is.
 */
import { promises as fsp } from 'node:fs';
import { CorruptDataError } from '../errors';
import { type Durability, openIfExists, storageError } from './fsio';

export interface JsonlLine {
  value: unknown;
  /** 1-based. */
  lineNo: number;
  /** Byte range of the line without its "\n". */
  start: number;
  end: number;
}

export interface ReplayResult {
  /** Bytes up to and including the last complete line: where the next append goes. */
  validBytes: number;
  /** Non-blank complete lines. */
  lines: number;
  /** Bytes cut off the end (0 when the file ended cleanly). */
  tornBytes: number;
}

const NEWLINE = 0x0a;
/** The part read at a time (grown for a longer line). */
const CHUNK_BYTES = 1 << 20;

export async function replayJsonl(
  file: string,
  onLine: (line: JsonlLine) => void,
  opts: {
    durability: Durability;
    warn: (message: string) => void;
    /** Claims a line before it is parsed (true: counted, not parsed, onLine not called); `start` and `end` index `buf`, which holds the line (not the whole file). */
    raw?: (buf: Buffer, start: number, end: number, lineNo: number) => boolean;
  },
): Promise<ReplayResult> {
  const fh = await openIfExists(file);
  if (!fh) return { validBytes: 0, lines: 0, tornBytes: 0 };
  // Read in parts into one reused buffer: a whole-file buffer of a 20 MB segment costs a fresh
  // process ~60 ms of page faults alone, and the file is read once, front to back.
  let buf = Buffer.allocUnsafe(CHUNK_BYTES);
  /** File offset of buf[0]; bytes valid in buf; file offset where the next line starts. */
  let base = 0;
  let have = 0;
  let pos = 0;
  let lineNo = 0;
  let lines = 0;
  try {
    for (;;) {
      if (have === buf.length) buf = Buffer.concat([buf], buf.length * 2); // one line longer than the buffer
      let n: number;
      try {
        n = (await fh.read(buf, have, buf.length - have, base + have)).bytesRead;
      } catch (err) {
        throw storageError(file, 'read', err);
      }
      if (n === 0) break;
      have += n;
      const view = buf.subarray(0, have);
      for (;;) {
        const start = pos - base;
        const nl = view.indexOf(NEWLINE, start);
        if (nl < 0) break;
        lineNo++;
        if (opts.raw?.(view, start, nl, lineNo)) lines++;
        else if (!isBlank(view, start, nl)) {
          let value: unknown;
          try {
            value = JSON.parse(view.toString('utf8', start, nl));
          } catch (err) {
            throw corruptLine(file, lineNo, `is not valid JSON (${(err as Error).message})`, err);
          }
          try {
            onLine({ value, lineNo, start: pos, end: base + nl });
          } catch (err) {
            if (err instanceof CorruptDataError) throw err;
            throw corruptLine(file, lineNo, (err as Error).message, err);
          }
          lines++;
        }
        pos = base + nl + 1;
      }
      // The unfinished line moves to the front; the next read continues after it.
      buf.copy(buf, 0, pos - base, have);
      have -= pos - base;
      base = pos;
    }
  } finally {
    await fh.close().catch(() => undefined);
  }
  const tornBytes = base + have - pos;
  if (tornBytes > 0) {
    await truncate(file, pos, opts.durability);
    opts.warn(`${file}: dropped an incomplete last line (${tornBytes} bytes) left by an interrupted write; the ${lines} complete lines before it are intact`);
  }
  return { validBytes: pos, lines, tornBytes };
}

function isBlank(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = buf[i];
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d) return false;
  }
  return true;
}

export function corruptLine(file: string, lineNo: number, problem: string, cause?: unknown): CorruptDataError {
  return new CorruptDataError(
    file,
    `${file} line ${lineNo} ${problem}. The file was left untouched; repair or remove that line (or restore the file from a backup), then start AuthPlane again.`,
    { cause },
  );
}

async function truncate(file: string, size: number, durability: Durability): Promise<void> {
  try {
    const fh = await fsp.open(file, 'r+');
    try {
      await fh.truncate(size);
      if (durability === 'fsync') await fh.sync();
    } finally {
      await fh.close();
    }
  } catch (err) {
    throw storageError(file, 'cut the incomplete last line off', err);
  }
}
