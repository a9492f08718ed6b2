/**
 * Reading issuance rows back from a segment by row index: the index holds each row's byte offset
 * and length, so only matching rows are read, with nearby ones merged into one read.
 */
import { CorruptDataError } from '../errors';
import type { Issuance } from '../contracts';
import { segName } from './issuanceFiles';
import { parseSegmentLine, type Segment } from './issuanceSegment';

/** Reads of matched rows closer than this are merged into one read. */
const READ_GAP = 64 * 1024;
const MAX_READ = 4 * 1024 * 1024;

/** Rows `rows` of `seg`, in the order asked, each passed through `merge` (which adds later revocations). */
export async function readSegmentRows(seg: Segment, rows: number[], merge: (row: Issuance) => Issuance): Promise<Issuance[]> {
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
        out[k] = merge(parseRow(seg, buf.toString('utf8', at, at + length[rows[k]!]!), offset[rows[k]!]!));
      }
    }),
  );
  return out;
}

function parseRow(seg: Segment, text: string, at: number): Issuance {
  try {
    const line = parseSegmentLine(JSON.parse(text));
    if (line.kind === 'r') return line.row;
    throw new TypeError('is a revocation where an issuance row was expected');
  } catch (err) {
    throw new CorruptDataError(seg.file, `${seg.file} at byte ${at} does not hold the issuance row its index points to (${(err as Error).message}); the file changed after it was indexed. Delete ${segName(seg.no)}.idx to rebuild the index.`, { cause: err });
  }
}
