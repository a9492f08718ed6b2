/**
 * Opening the token log: sealed segments come back from their .idx files (typed arrays, no
 * parsing per row) and their families from the families sidecar; a segment whose .idx is
 * missing, unreadable or out of step with its .jsonl is replayed and its .idx rewritten; the last
 * unsealed segment is replayed and reopened for appends right after its last complete line (a
 * torn tail is cut, with a warning).
 */
import { promises as fsp } from 'node:fs';
import { AppendFile, ReadOnlyFile } from './appendFile';
import type { Durability } from './fsio';
import { inSegment, isFamilyLine, type LocatedFamily, readSegmentFamilies, writeFamiliesSidecar } from './familySidecar';
import { idxFile, SEG_RE, segmentFile, segName, writeIdxOrWarn } from './issuanceFiles';
import { decodeIdx } from './issuanceIdx';
import { parseSegmentLine, rowRevocation, Segment } from './issuanceSegment';
import { replayJsonl } from './jsonlReplay';
import { openSegmentDir } from './segmentDir';

export interface OpenOptions {
  durability: Durability;
  warn: (message: string) => void;
  /** Rows a segment holds before it seals (already resolved, ≥ 1). */
  segmentRows: number;
  /** Read the refresh families too (a reader of issuances alone skips them). */
  families: boolean;
}

export interface OpenedSegments {
  segments: Segment[];
  nextSegNo: number;
  /** The last state of every family the log holds (the last line for an id wins) and where it is; empty unless asked for. */
  families: Map<string, LocatedFamily>;
}

/** Every segment of `dir` in order; the last one is unsealed (and open for appends) unless it was sealed. */
export async function openSegments(dir: string, opts: OpenOptions): Promise<OpenedSegments> {
  const { nos, names } = await openSegmentDir(dir, SEG_RE);
  const idxNames = new Set(names.filter((n) => n.endsWith('.idx')));
  const hasIdx = (no: number) => idxNames.has(`${segName(no)}.idx`);
  // Sealed segments are independent: load their indexes concurrently.
  const loaded = await Promise.all(nos.map((no, k) => loadSegment(dir, no, k === nos.length - 1, hasIdx(no), opts)));
  const families = new Map<string, LocatedFamily>();
  for (const { rows } of loaded) for (const f of rows) families.set(f.family.id, f);
  return { segments: loaded.map((l) => l.seg), nextSegNo: (nos.at(-1) ?? 0) + 1, families };
}

async function loadSegment(dir: string, no: number, isLast: boolean, hasIdx: boolean, opts: OpenOptions): Promise<{ seg: Segment; rows: LocatedFamily[] }> {
  const file = segmentFile(dir, no);
  if (hasIdx) {
    const problem = await tryIdx(no, file, idxFile(dir, no));
    if (problem instanceof Segment) {
      problem.reader = new ReadOnlyFile(file);
      return { seg: problem, rows: opts.families ? await readSegmentFamilies(dir, problem, opts) : [] };
    }
    opts.warn(`${idxFile(dir, no)}: ${problem}; rebuilding it from ${file}`);
  } else if (!isLast) {
    opts.warn(`${idxFile(dir, no)} is missing; rebuilding it from ${file}`);
  }
  const { seg, validBytes, rows } = await replaySegment(no, file, opts);
  if (isLast && !hasIdx) {
    // The active segment: keep appending right after its last complete line.
    seg.reader = await AppendFile.open(file, opts.durability, validBytes);
    return { seg, rows };
  }
  seg.seal();
  seg.reader = new ReadOnlyFile(file);
  if (opts.families) await writeFamiliesSidecar(dir, seg, opts);
  await writeIdxOrWarn(dir, seg, opts);
  return { seg, rows };
}

async function tryIdx(no: number, file: string, idx: string): Promise<Segment | string> {
  let buf: Buffer;
  let size: number;
  try {
    [buf, size] = await Promise.all([fsp.readFile(idx), fsp.stat(file).then((s) => s.size)]);
  } catch (err) {
    return `could not be read (${(err as Error).message})`;
  }
  const seg = decodeIdx(buf, no, file);
  if (typeof seg === 'string') return seg;
  if (seg.bytes !== size) return `it covers ${seg.bytes} bytes but the segment has ${size}`;
  return seg;
}

async function replaySegment(no: number, file: string, opts: OpenOptions): Promise<{ seg: Segment; validBytes: number; rows: LocatedFamily[] }> {
  const seg = Segment.growable(no, file, Math.min(opts.segmentRows, 1024));
  const families = new Map<string, LocatedFamily>();
  const { validBytes } = await replayJsonl(
    file,
    ({ value, start, end }) => {
      const line = parseSegmentLine(value);
      if (line.kind === 'f') {
        families.set(line.family.id, { family: line.family, loc: inSegment(no, start, end - start) });
        seg.familyLines.set(line.family.id, { start, length: end - start });
      } else if (line.kind === 'r') {
        const i = seg.push(line.row, start, end - start);
        const rec = rowRevocation(line.row, no, i);
        if (rec) seg.revocations.push(rec);
      } else {
        seg.revocations.push(line.rec);
      }
    },
    // A reader of issuances alone does not parse the family lines.
    { ...opts, raw: opts.families ? undefined : isFamilyLine },
  );
  seg.bytes = validBytes;
  return { seg, validBytes, rows: [...families.values()] };
}
