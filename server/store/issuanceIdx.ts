/**
 * The sidecar index of a sealed segment (`seg-NNNNNN.idx`), written atomically when the segment
 * seals. Loading it is a file read plus typed-array views over the buffer (no per-row parsing),
 * which is what keeps open fast at a million rows.
 *
 * Layout (little-endian; every column starts on an 8-byte boundary):
 *   u32 magic "APIX" (0x58495041) | u32 format version (1) | u32 rows | u32 header length H
 *   H bytes of UTF-8 JSON header:
 *     { "seg": N, "rows": R, "bytes": size of the .jsonl covered,
 *       "dict": { "resource": [...], "client": [...], "sub": [...] },
 *       "x": [[jti, at, reason, s, i], ...] }   revocations written in this segment
 *   columns, R entries each: offset u32, length u32, issued_at s u32, expires_at s u32,
 *     jti FNV-1a u32, resource id, client id, sub id (u16 when that dictionary has ≤ 65,536
 *     entries, else u32), grant u8 (index into GRANTS, 255 = unknown)
 *   u32 CRC-32 of everything before it
 * A missing, truncated or mismatching idx is rebuilt from the .jsonl at open.
 */
import { crc32 } from 'node:zlib';
import { Dictionary, type IdColumn, type RevocationRecord, Segment, type SegmentColumns } from './issuanceSegment';

const MAGIC = 0x58495041;
const VERSION = 1;
const FIXED_HEADER = 16;

interface IdxHeader {
  seg: number;
  rows: number;
  bytes: number;
  dict: { resource: string[]; client: string[]; sub: string[] };
  x: Array<[string, string, string, number | null, number | null]>;
}

const align8 = (n: number) => (n + 7) & ~7;
const idWidth = (dictSize: number) => (dictSize <= 0x10000 ? 2 : 4);

interface Layout {
  columns: Array<{ key: keyof SegmentColumns; start: number; width: 1 | 2 | 4 }>;
  total: number;
}

function layout(rows: number, headerLength: number, dict: IdxHeader['dict']): Layout {
  let pos = align8(FIXED_HEADER + headerLength);
  const columns: Layout['columns'] = [];
  const add = (key: keyof SegmentColumns, width: 1 | 2 | 4) => {
    columns.push({ key, start: pos, width });
    pos = align8(pos + rows * width);
  };
  add('offset', 4);
  add('length', 4);
  add('issued', 4);
  add('expires', 4);
  add('jti', 4);
  add('resource', idWidth(dict.resource.length) as 2 | 4);
  add('client', idWidth(dict.client.length) as 2 | 4);
  add('sub', idWidth(dict.sub.length) as 2 | 4);
  add('grant', 1);
  return { columns, total: pos + 4 };
}

export function encodeIdx(seg: Segment): Buffer {
  const header: IdxHeader = {
    seg: seg.no,
    rows: seg.rows,
    bytes: seg.bytes,
    dict: { resource: seg.dict.resource.values, client: seg.dict.client.values, sub: seg.dict.sub.values },
    x: seg.revocations.map((r) => [r.jti, r.at, r.reason, r.s ?? null, r.i ?? null]),
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const { columns, total } = layout(seg.rows, headerBytes.length, header.dict);
  const buf = Buffer.alloc(total);
  buf.writeUInt32LE(MAGIC, 0);
  buf.writeUInt32LE(VERSION, 4);
  buf.writeUInt32LE(seg.rows, 8);
  buf.writeUInt32LE(headerBytes.length, 12);
  headerBytes.copy(buf, FIXED_HEADER);
  for (const { key, start, width } of columns) {
    const src = seg.cols[key].subarray(0, seg.rows);
    const dst = width === 1 ? new Uint8Array(buf.buffer, buf.byteOffset + start, seg.rows) : width === 2 ? new Uint16Array(buf.buffer, buf.byteOffset + start, seg.rows) : new Uint32Array(buf.buffer, buf.byteOffset + start, seg.rows);
    dst.set(src);
  }
  buf.writeUInt32LE(crc32(buf.subarray(0, total - 4)), total - 4);
  return buf;
}

/** Decodes an idx; returns a description of the problem instead of throwing (the caller rebuilds). */
export function decodeIdx(input: Buffer, segNo: number, file: string): Segment | string {
  if (input.length < FIXED_HEADER + 4) return 'it is truncated';
  // Typed-array views need aligned memory; Buffers from small reads may sit at an odd pool offset.
  const buf = input.byteOffset % 8 === 0 ? input : Buffer.from(input);
  if (buf.readUInt32LE(0) !== MAGIC) return 'it is not an AuthPlane issuance index';
  if (buf.readUInt32LE(4) !== VERSION) return `it has unknown format version ${buf.readUInt32LE(4)}`;
  const rows = buf.readUInt32LE(8);
  const headerLength = buf.readUInt32LE(12);
  if (FIXED_HEADER + headerLength + 4 > buf.length) return 'it is truncated';
  if (crc32(buf.subarray(0, buf.length - 4)) !== buf.readUInt32LE(buf.length - 4)) return 'its checksum does not match';
  let header: IdxHeader;
  try {
    header = JSON.parse(buf.toString('utf8', FIXED_HEADER, FIXED_HEADER + headerLength)) as IdxHeader;
  } catch {
    return 'its header is not valid JSON';
  }
  if (header.seg !== segNo || header.rows !== rows || !header.dict || !Array.isArray(header.x)) return 'its header does not match the segment';
  const { columns, total } = layout(rows, headerLength, header.dict);
  if (total !== buf.length) return 'its size does not match its header';
  const view = (start: number, width: 1 | 2 | 4) =>
    width === 1 ? new Uint8Array(buf.buffer, buf.byteOffset + start, rows) : width === 2 ? new Uint16Array(buf.buffer, buf.byteOffset + start, rows) : new Uint32Array(buf.buffer, buf.byteOffset + start, rows);
  const col = Object.fromEntries(columns.map((c) => [c.key, view(c.start, c.width)])) as Record<keyof SegmentColumns, Uint8Array | IdColumn>;
  const cols: SegmentColumns = {
    offset: col.offset as Uint32Array,
    length: col.length as Uint32Array,
    issued: col.issued as Uint32Array,
    expires: col.expires as Uint32Array,
    jti: col.jti as Uint32Array,
    resource: col.resource as IdColumn,
    client: col.client as IdColumn,
    sub: col.sub as IdColumn,
    grant: col.grant as Uint8Array,
  };
  const seg = new Segment(segNo, file, cols, rows);
  seg.sealed = true;
  seg.bytes = header.bytes;
  seg.dict.resource = new Dictionary(header.dict.resource);
  seg.dict.client = new Dictionary(header.dict.client);
  seg.dict.sub = new Dictionary(header.dict.sub);
  seg.revocations = header.x.map(([jti, at, reason, s, i]) => (s === null || i === null ? { jti, at, reason } : { jti, at, reason, s, i }));
  return seg;
}
