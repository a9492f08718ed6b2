/**
 * The families sidecar of a sealed token-log segment (`seg-NNNNNN.families.jsonl`): the last state
 * of every refresh family changed in that segment, one plain family row per line (jq-friendly).
 * Like the .idx it is derived from the sealed segment alone and written once, at seal, so opening
 * reads the families of sealed segments without scanning their rows. It is a cache, never a
 * source: missing or damaged, it is rebuilt from the segment.
 */
import path from 'node:path';
import { CorruptDataError } from '../errors';
import { atomicWriteFile, type Durability, readIfExists } from './fsio';
import { asFamily } from './familyRow';
import { corruptLine } from './jsonlReplay';
import { segName } from './issuanceFiles';
import { FAMILY_LINE_PREFIX, FAMILY_LINE_SUFFIX_BYTES, type Segment } from './issuanceSegment';
import type { RefreshFamily } from './types';

type Ranges = Map<string, { start: number; length: number }>;

/** Where a family row's JSON sits: inside a segment's {"f":…} line, or a whole line of the segment's families sidecar. */
export interface FamilyLoc {
  seg: number;
  sidecar: boolean;
  start: number;
  length: number;
}

/** A family read at open, and where its last line is. */
export interface LocatedFamily {
  family: RefreshFamily;
  loc: FamilyLoc;
}

/** The row inside a segment's family line (`lineLength` bytes at `lineStart`, newline excluded). */
export const inSegment = (seg: number, lineStart: number, lineLength: number): FamilyLoc => ({
  seg,
  sidecar: false,
  start: lineStart + FAMILY_LINE_PREFIX.length,
  length: lineLength - FAMILY_LINE_PREFIX.length - FAMILY_LINE_SUFFIX_BYTES,
});
interface SidecarOptions {
  durability: Durability;
  warn: (message: string) => void;
}

const NL = Buffer.from('\n');
/** Reads of family lines closer than this are merged into one read. */
const MAX_READ = 4 * 1024 * 1024;

export const familiesFile = (dir: string, no: number) => path.join(dir, `${segName(no)}.families.jsonl`);

/** A segment or sidecar file, read by position. */
export interface FamilyFile {
  readonly file: string;
  readSync(position: number, length: number): Buffer;
}

/** The family row at `loc` of `reader` (a segment, or the sidecar `loc.sidecar` names). */
export function readFamilyRow(reader: FamilyFile, loc: FamilyLoc): RefreshFamily {
  const buf = reader.readSync(loc.start, loc.length);
  try {
    return asFamily(JSON.parse(buf.toString('utf8')));
  } catch (err) {
    throw new CorruptDataError(reader.file, `${reader.file} at byte ${loc.start} does not hold the refresh family row the index points to (${(err as Error).message}); the file changed while the server ran`, { cause: err });
  }
}

/** Writes the sidecar of a sealed segment from the family lines it recorded while active. */
export async function writeFamiliesSidecar(dir: string, seg: Segment, opts: SidecarOptions): Promise<void> {
  try {
    const parts: Buffer[] = [];
    for (const chunk of chunksOf(seg.familyLines)) {
      const first = chunk[0]!.start;
      const last = chunk.at(-1)!;
      const buf = await seg.reader!.read(first, last.start + last.length - first);
      for (const r of chunk) parts.push(familyBytes(buf, r.start - first, r.start - first + r.length), NL);
    }
    await atomicWriteFile(familiesFile(dir, seg.no), Buffer.concat(parts), { durability: opts.durability });
  } catch (err) {
    opts.warn(`${(err as Error).message}; it will be rebuilt from ${seg.file} at the next start`);
  }
  seg.familyLines = new Map();
}

/** The families of a sealed segment: from its sidecar, or (missing or damaged) from the segment, rewriting the sidecar. */
export async function readSegmentFamilies(dir: string, seg: Segment, opts: SidecarOptions): Promise<LocatedFamily[]> {
  const file = familiesFile(dir, seg.no);
  const buf = await readIfExists(file);
  if (buf) {
    try {
      return parseSidecar(buf, seg.no);
    } catch (err) {
      opts.warn(`${file}: ${(err as Error).message}; rebuilding it from ${seg.file}`);
    }
  }
  // One rebuild at a time: the first open of an old data dir has one per sealed segment, each reading a whole segment.
  const run = rebuilding.then(() => rebuildSidecar(file, seg, !buf, opts));
  rebuilding = run.catch(() => undefined);
  return run;
}

let rebuilding: Promise<unknown> = Promise.resolve();

async function rebuildSidecar(file: string, seg: Segment, missing: boolean, opts: SidecarOptions): Promise<LocatedFamily[]> {
  const segment = (await readIfExists(seg.file)) ?? Buffer.alloc(0);
  const { rows, ranges } = scanFamilyLines(seg, segment);
  // A segment written before families moved into the token log has none: nothing to warn about.
  if (missing && rows.length) opts.warn(`${file} is missing; rebuilt it from ${seg.file}`);
  const parts = [...ranges.values()].flatMap((r) => [familyBytes(segment, r.start, r.start + r.length), NL]);
  try {
    await atomicWriteFile(file, Buffer.concat(parts), { durability: opts.durability });
  } catch (err) {
    opts.warn(`${(err as Error).message}; it will be rebuilt from ${seg.file} at the next start`);
  }
  return rows;
}

/** Whether a segment line is a family line ({"f":…}), without parsing it. */
export function isFamilyLine(buf: Buffer, start: number, end: number): boolean {
  return end - start > FAMILY_LINE_PREFIX.length && buf.compare(FAMILY_LINE_PREFIX, 0, FAMILY_LINE_PREFIX.length, start, start + FAMILY_LINE_PREFIX.length) === 0;
}

function familyBytes(buf: Buffer, lineStart: number, lineEnd: number): Buffer {
  return buf.subarray(lineStart + FAMILY_LINE_PREFIX.length, lineEnd - FAMILY_LINE_SUFFIX_BYTES);
}

/** The last family line of each id in a whole segment file (complete lines only). */
function scanFamilyLines({ file, no }: Segment, buf: Buffer): { rows: LocatedFamily[]; ranges: Ranges } {
  const latest = new Map<string, LocatedFamily>();
  const ranges: Ranges = new Map();
  let pos = 0;
  let lineNo = 0;
  for (let nl = buf.indexOf(0x0a, pos); nl >= 0; pos = nl + 1, nl = buf.indexOf(0x0a, pos)) {
    lineNo++;
    if (!isFamilyLine(buf, pos, nl)) continue;
    let row: RefreshFamily;
    try {
      row = asFamily((JSON.parse(buf.toString('utf8', pos, nl)) as { f: unknown }).f);
    } catch (err) {
      throw corruptLine(file, lineNo, err instanceof SyntaxError ? `is not valid JSON (${err.message})` : (err as Error).message, err);
    }
    latest.set(row.id, { family: row, loc: inSegment(no, pos, nl - pos) });
    ranges.set(row.id, { start: pos, length: nl - pos });
  }
  return { rows: [...latest.values()], ranges };
}

function parseSidecar(buf: Buffer, seg: number): LocatedFamily[] {
  const out: LocatedFamily[] = [];
  let pos = 0;
  let lineNo = 0;
  for (let nl = buf.indexOf(0x0a, pos); nl >= 0; pos = nl + 1, nl = buf.indexOf(0x0a, pos)) {
    lineNo++;
    try {
      out.push({ family: asFamily(JSON.parse(buf.toString('utf8', pos, nl))), loc: { seg, sidecar: true, start: pos, length: nl - pos } });
    } catch (err) {
      throw new TypeError(`line ${lineNo} ${(err as Error).message}`);
    }
  }
  if (pos !== buf.length) throw new TypeError('it does not end with a complete line');
  return out;
}

/** The recorded family lines in file order, grouped into reads of at most MAX_READ bytes. */
function chunksOf(ranges: Ranges): Array<Array<{ start: number; length: number }>> {
  const sorted = [...ranges.values()].sort((a, b) => a.start - b.start);
  const chunks: Array<Array<{ start: number; length: number }>> = [];
  for (const r of sorted) {
    const chunk = chunks.at(-1);
    if (chunk && r.start + r.length - chunk[0]!.start <= MAX_READ) chunk.push(r);
    else chunks.push([r]);
  }
  return chunks;
}
