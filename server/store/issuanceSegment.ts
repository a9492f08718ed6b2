/**
 * One segment of the token log in memory: per-row columns in typed arrays (a few dozen bytes a
 * row, no JS object per row) plus per-segment string dictionaries. The rows themselves stay on
 * disk and are read by byte offset when a query needs them.
 *
 * Segment line format (`seg-NNNNNN.jsonl`, one JSON value per line):
 *   {"r":{...Issuance...}}                                    an issued token
 *   {"f":{...RefreshFamily...}}                               a refresh family's new state (full
 *                                                             row; the last one for an id wins)
 *   {"x":{"jti":"…","at":"…","reason":"…","s":N,"i":N}}       a revocation; `s`/`i` locate the
 *                                                             revoked row (segment number, row
 *                                                             index) so open needs no search
 * A token minted with a family change is its "r" line followed by the "f" line, in one write.
 */
import type { GrantType, Issuance } from '../contracts';
import { GRANT_TYPES } from '../contracts/enums';
import { asFamily } from './familyRow';
import type { RefreshFamily } from './types';

/** Column codes are list positions: new grants are only ever appended (codes are on disk). */
export const GRANTS: readonly GrantType[] = GRANT_TYPES;
export const UNKNOWN_GRANT = 255;
export const grantCode = (g: string): number => {
  const i = GRANTS.indexOf(g as GrantType);
  return i < 0 ? UNKNOWN_GRANT : i;
};

/**
 * 32-bit FNV-1a over the UTF-16 code units. Stored in .idx files: changing it needs a new
 * idx format version.
 */
export function jtiHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Whole seconds since the epoch (the columns' unit); unparseable → 0. */
export function toSeconds(isoTime: string): number {
  const ms = Date.parse(isoTime);
  return Number.isFinite(ms) && ms > 0 ? Math.min(Math.floor(ms / 1000), 0xffffffff) : 0;
}

export interface RevocationRecord {
  jti: string;
  at: string;
  reason: string;
  /** Segment number and row index of the revoked row, when known. */
  s?: number;
  i?: number;
}

/** Distinct strings of one column of one segment; rows store the small integer id. */
export class Dictionary {
  private ids: Map<string, number> | undefined;
  constructor(readonly values: string[] = []) {}

  /** Built lazily: sealed segments that are never filtered on never pay for the Map. */
  idOf(value: string): number | undefined {
    if (!this.ids) {
      this.ids = new Map();
      this.values.forEach((v, i) => this.ids!.set(v, i));
    }
    return this.ids.get(value);
  }

  intern(value: string): number {
    const id = this.idOf(value);
    if (id !== undefined) return id;
    this.values.push(value);
    this.ids!.set(value, this.values.length - 1);
    return this.values.length - 1;
  }
}

export type IdColumn = Uint16Array | Uint32Array;

/** What a segment can be read through: the active segment's AppendFile or a sealed ReadOnlyFile. */
export interface SegmentReader {
  readonly file: string;
  read(position: number, length: number): Promise<Buffer>;
  readSync(position: number, length: number): Buffer;
  close(): Promise<void>;
}

export interface SegmentColumns {
  offset: Uint32Array;
  length: Uint32Array;
  issued: Uint32Array;
  expires: Uint32Array;
  jti: Uint32Array;
  resource: IdColumn;
  client: IdColumn;
  sub: IdColumn;
  grant: Uint8Array;
}

export class Segment {
  rows = 0;
  /** Bytes of the .jsonl covered by the rows and revocations above. */
  bytes = 0;
  sealed = false;
  cols: SegmentColumns;
  /** Bit i set ⇔ row i is revoked (by a revocation in any segment). */
  revokedBits: Uint8Array;
  readonly dict = { resource: new Dictionary(), client: new Dictionary(), sub: new Dictionary() };
  /** Revocations written in THIS segment; kept until its .idx is written. */
  revocations: RevocationRecord[] = [];
  /** Family id → byte range of its last "f" line in THIS segment; kept until its families sidecar is written. */
  familyLines = new Map<string, { start: number; length: number }>();
  reader: SegmentReader | undefined;

  constructor(
    readonly no: number,
    readonly file: string,
    cols: SegmentColumns,
    rows = 0,
  ) {
    this.cols = cols;
    this.rows = rows;
    this.revokedBits = new Uint8Array((cols.offset.length + 7) >> 3);
  }

  static growable(no: number, file: string, capacity = 1024): Segment {
    return new Segment(no, file, allocColumns(capacity));
  }

  /** Adds a row written at `offset` (line without its "\n" is `length` bytes); returns its index. */
  push(row: Issuance, offset: number, length: number): number {
    if (this.rows === this.cols.offset.length) this.grow();
    const i = this.rows;
    const c = this.cols;
    c.offset[i] = offset;
    c.length[i] = length;
    c.issued[i] = toSeconds(row.issued_at);
    c.expires[i] = toSeconds(row.expires_at);
    c.jti[i] = jtiHash(row.jti);
    c.resource[i] = this.dict.resource.intern(row.resource);
    c.client[i] = this.dict.client.intern(row.client_id);
    c.sub[i] = this.dict.sub.intern(row.sub);
    c.grant[i] = grantCode(row.grant);
    this.rows = i + 1;
    return i;
  }

  isRevoked(i: number): boolean {
    return (this.revokedBits[i >> 3]! & (1 << (i & 7))) !== 0;
  }

  setRevoked(i: number, on: boolean): void {
    if (on) this.revokedBits[i >> 3]! |= 1 << (i & 7);
    else this.revokedBits[i >> 3]! &= ~(1 << (i & 7));
  }

  /** Trims the columns to the row count: a sealed segment never grows again. */
  seal(): void {
    this.sealed = true;
    const n = this.rows;
    const c = this.cols;
    const ids = (col: IdColumn, dictSize: number): IdColumn => (dictSize <= 0x10000 ? Uint16Array.from(col.subarray(0, n)) : col.slice(0, n));
    this.cols = {
      offset: c.offset.slice(0, n),
      length: c.length.slice(0, n),
      issued: c.issued.slice(0, n),
      expires: c.expires.slice(0, n),
      jti: c.jti.slice(0, n),
      resource: ids(c.resource, this.dict.resource.values.length),
      client: ids(c.client, this.dict.client.values.length),
      sub: ids(c.sub, this.dict.sub.values.length),
      grant: c.grant.slice(0, n),
    };
    this.revokedBits = this.revokedBits.slice(0, (n + 7) >> 3);
  }

  private grow(): void {
    const cap = Math.max(1024, this.cols.offset.length * 2);
    const next = allocColumns(cap);
    for (const k of Object.keys(next) as Array<keyof SegmentColumns>) next[k].set(this.cols[k]);
    this.cols = next;
    const bits = new Uint8Array((cap + 7) >> 3);
    bits.set(this.revokedBits);
    this.revokedBits = bits;
  }
}

function allocColumns(capacity: number): SegmentColumns {
  return {
    offset: new Uint32Array(capacity),
    length: new Uint32Array(capacity),
    issued: new Uint32Array(capacity),
    expires: new Uint32Array(capacity),
    jti: new Uint32Array(capacity),
    // Growing segments use 32-bit ids; seal() narrows them to 16 bits when the dictionary fits.
    resource: new Uint32Array(capacity),
    client: new Uint32Array(capacity),
    sub: new Uint32Array(capacity),
    grant: new Uint8Array(capacity),
  };
}

export type SegmentLine = { kind: 'r'; row: Issuance } | { kind: 'x'; rec: RevocationRecord } | { kind: 'f'; family: RefreshFamily };

/** The revocation a row appended already revoked stands for, located at segment `s`, row `i`. */
export function rowRevocation(row: Issuance, s: number, i: number): RevocationRecord | undefined {
  return row.revoked_at ? { jti: row.jti, at: row.revoked_at, reason: row.revoked_reason ?? '', s, i } : undefined;
}

export function encodeRowLine(row: Issuance): string {
  return `{"r":${JSON.stringify(row)}}`;
}

export function encodeFamilyLine(family: RefreshFamily): string {
  return `{"f":${JSON.stringify(family)}}`;
}

/** Bytes before and after the family row inside its "f" line. */
export const FAMILY_LINE_PREFIX = Buffer.from('{"f":');
export const FAMILY_LINE_SUFFIX_BYTES = 1;

export function encodeRevocationLine(rec: RevocationRecord): string {
  return `{"x":${JSON.stringify(rec)}}`;
}

/** Validates one parsed line; throws a TypeError describing what is wrong. */
export function parseSegmentLine(value: unknown): SegmentLine {
  const v = value as { r?: unknown; x?: unknown } | null;
  if (v && typeof v === 'object' && v.r !== undefined) return { kind: 'r', row: asIssuance(v.r) };
  if (v && typeof v === 'object' && (v as { f?: unknown }).f !== undefined) return { kind: 'f', family: asFamily((v as { f: unknown }).f) };
  if (v && typeof v === 'object' && v.x !== undefined) {
    const x = v.x as Partial<RevocationRecord> | null;
    if (!x || typeof x.jti !== 'string' || typeof x.at !== 'string') throw new TypeError('is a revocation without "jti" and "at"');
    const rec: RevocationRecord = { jti: x.jti, at: x.at, reason: typeof x.reason === 'string' ? x.reason : '' };
    if (Number.isInteger(x.s) && Number.isInteger(x.i)) {
      rec.s = x.s;
      rec.i = x.i;
    }
    return { kind: 'x', rec };
  }
  throw new TypeError('is neither an issuance {"r":…}, a family {"f":…} nor a revocation {"x":…}');
}

const REQUIRED_STRINGS = ['jti', 'sub', 'client_id', 'resource', 'grant', 'issued_at', 'expires_at'] as const;

/** Checks the fields the index is built from; the domain validated the rest before writing. */
export function asIssuance(value: unknown): Issuance {
  const row = value as Record<string, unknown> | null;
  if (!row || typeof row !== 'object' || Array.isArray(row)) throw new TypeError('is not an issuance row (not a JSON object)');
  for (const k of REQUIRED_STRINGS) if (typeof row[k] !== 'string') throw new TypeError(`is not an issuance row ("${k}" is missing)`);
  return row as unknown as Issuance;
}
