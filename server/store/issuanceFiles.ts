/**
 * Where the issuance log lives and how its files are named (`<dataDir>/issuances/seg-NNNNNN.jsonl`
 * and its `.idx`), shared by the live log, its opening and the bulk writer.
 */
import path from 'node:path';
import { atomicWriteFile, type Durability } from './fsio';
import { encodeIdx } from './issuanceIdx';
import type { Segment } from './issuanceSegment';

export const DEFAULT_SEGMENT_ROWS = 50_000;
/** Offsets are u32: a segment seals early rather than grow past 4 GiB. */
export const MAX_SEGMENT_BYTES = 0xffff_ffff;

export const issuancesDir = (dataDir: string) => path.join(dataDir, 'issuances');
export const segName = (no: number) => `seg-${String(no).padStart(6, '0')}`;
export const SEG_RE = /^seg-(\d{6,})\.jsonl$/;
export const segmentFile = (dir: string, no: number) => path.join(dir, `${segName(no)}.jsonl`);
export const idxFile = (dir: string, no: number) => path.join(dir, `${segName(no)}.idx`);

/** Rows a segment holds before it seals (at least one). */
export const segmentRowsOf = (segmentRows: number | undefined) => Math.max(1, Math.floor(segmentRows ?? DEFAULT_SEGMENT_ROWS));

/** Writes a sealed segment's index next to it, atomically (a torn .idx is never read as valid). */
export function writeIdxFile(dir: string, seg: Segment, durability: Durability): Promise<void> {
  return atomicWriteFile(idxFile(dir, seg.no), encodeIdx(seg), { durability });
}

/** A failed idx write is not fatal: the segment is complete on disk and its idx is rebuilt at the next open. */
export async function writeIdxOrWarn(dir: string, seg: Segment, opts: { durability: Durability; warn: (message: string) => void }): Promise<void> {
  try {
    await writeIdxFile(dir, seg, opts.durability);
  } catch (err) {
    opts.warn(`${(err as Error).message}; it will be rebuilt from ${seg.file} at the next start`);
  }
}
