/**
 * list() over the in-memory columns: scan newest → oldest with every filter applied to integers
 * (dictionary ids, jti hashes, expiry seconds, revoked bits), then read only the matching rows
 * from disk and confirm them exactly (hash collisions, the expiry second that straddles `now`).
 */
import { InvalidRequest } from '../errors';
import type { Issuance, IssuanceState } from '../contracts';
import { issuanceState } from '../contracts/issuanceState';
import { grantCode, jtiHash, type Segment } from './issuanceSegment';
import type { IssuanceQuery } from './types';

export interface RowSource {
  /** Oldest first; the last one may be the active segment. */
  readonly segments: readonly Segment[];
  /** Reads rows by index (same order), with revocations merged in. */
  readRows(seg: Segment, rows: number[]): Promise<Issuance[]>;
}

interface Position {
  seg: number;
  row: number;
}

const CURSOR_PREFIX = 'i1.';
/** How far out of issue order a row may be appended (concurrent issuances), generously. */
const ISSUE_ORDER_SLACK_MS = 60_000;

export function encodeCursor(p: Position): string {
  return Buffer.from(`${CURSOR_PREFIX}${p.seg}.${p.row}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): Position {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = /^i1\.(\d{1,9})\.(\d{1,10})$/.exec(text);
  if (!m) throw new InvalidRequest('cursor is not valid: pass the next_cursor value of a previous page unchanged');
  return { seg: Number(m[1]), row: Number(m[2]) };
}

interface Matcher {
  resource: number;
  client: number;
  sub: number;
  grant: number;
  jti: number | undefined;
  state: IssuanceState | undefined;
  nowSec: number;
}

/** Translates the query into this segment's ids; null when no row of the segment can match. */
function compile(seg: Segment, q: IssuanceQuery): Matcher | null {
  const id = (dict: Segment['dict']['resource'], value: string | undefined): number | null => {
    if (value === undefined) return -1;
    return dict.idOf(value) ?? null;
  };
  const resource = id(seg.dict.resource, q.resource);
  const client = id(seg.dict.client, q.client);
  const sub = id(seg.dict.sub, q.sub);
  if (resource === null || client === null || sub === null) return null;
  return {
    resource,
    client,
    sub,
    grant: q.grant === undefined ? -1 : grantCode(q.grant),
    jti: q.jti === undefined ? undefined : jtiHash(q.jti),
    state: q.state,
    nowSec: Math.floor(q.now / 1000),
  };
}

/**
 * Collects up to `want` candidate row indexes below `from`, newest first. Returns where to
 * continue (the last index examined), or 0 when the segment is exhausted.
 */
function scan(seg: Segment, m: Matcher, from: number, want: number, out: number[]): number {
  const { resource: res, client: cli, sub: sub, grant: gr, jti: jti, expires: exp } = seg.cols;
  const hasJti = m.jti !== undefined;
  const jh = m.jti ?? 0;
  for (let i = from - 1; i >= 0; i--) {
    if (m.resource >= 0 && res[i] !== m.resource) continue;
    if (m.client >= 0 && cli[i] !== m.client) continue;
    if (m.sub >= 0 && sub[i] !== m.sub) continue;
    if (m.grant >= 0 && gr[i] !== m.grant) continue;
    if (hasJti && jti[i] !== jh) continue;
    if (m.state !== undefined) {
      const revoked = seg.isRevoked(i);
      if (m.state === 'revoked') {
        if (!revoked) continue;
      } else {
        if (revoked) continue;
        // Seconds are floored: the second equal to now's may go either way; the exact check follows the read.
        const e = exp[i]!;
        if (m.state === 'active' ? e < m.nowSec : e > m.nowSec) continue;
      }
    }
    out.push(i);
    if (out.length >= want) return i;
  }
  return 0;
}

function confirm(row: Issuance, q: IssuanceQuery): boolean {
  if (q.resource !== undefined && row.resource !== q.resource) return false;
  if (q.client !== undefined && row.client_id !== q.client) return false;
  if (q.sub !== undefined && row.sub !== q.sub) return false;
  if (q.grant !== undefined && row.grant !== q.grant) return false;
  if (q.jti !== undefined && row.jti !== q.jti) return false;
  if (q.state !== undefined && issuanceState(row, q.now) !== q.state) return false;
  if (q.since !== undefined && Date.parse(row.issued_at) < q.since) return false;
  return true;
}

export async function listIssuances(src: RowSource, q: IssuanceQuery): Promise<{ rows: Issuance[]; next_cursor?: string }> {
  const limit = Math.max(0, Math.floor(q.limit));
  if (limit === 0) return { rows: [] };
  const start = q.cursor !== undefined ? decodeCursor(q.cursor) : undefined;
  // One extra match tells whether another page exists, so the last page has no cursor.
  const want = limit + 1;
  const found: Array<{ row: Issuance; pos: Position }> = [];
  const segments = [...src.segments];
  // Rows are appended as they are issued, so issue times only grow along the log (within the
  // few ms concurrent issuances take): a candidate well before `since` ends the scan instead of
  // reading every older match from disk only to drop it.
  const oldest = q.since === undefined ? undefined : q.since - ISSUE_ORDER_SLACK_MS;
  let past = false;
  for (let s = segments.length - 1; s >= 0 && found.length < want && !past; s--) {
    const seg = segments[s]!;
    if (start && seg.no > start.seg) continue;
    const m = compile(seg, q);
    if (!m) continue;
    let from = start && seg.no === start.seg ? Math.min(start.row, seg.rows) : seg.rows;
    while (from > 0 && found.length < want && !past) {
      const candidates: number[] = [];
      from = scan(seg, m, from, want - found.length, candidates);
      if (candidates.length === 0) break;
      const rows = await src.readRows(seg, candidates);
      for (let k = 0; k < rows.length && found.length < want; k++) {
        if (oldest !== undefined && Date.parse(rows[k]!.issued_at) < oldest) {
          past = true;
          break;
        }
        if (confirm(rows[k]!, q)) found.push({ row: rows[k]!, pos: { seg: seg.no, row: candidates[k]! } });
      }
    }
  }
  if (found.length > limit) return { rows: found.slice(0, limit).map((f) => f.row), next_cursor: encodeCursor(found[limit - 1]!.pos) };
  return { rows: found.map((f) => f.row) };
}

/**
 * Which of `jtis` the log does not hold. One pass over every segment's hash column, reading a
 * row only on a hash match: a power cut can leave thousands of journaled rows to check, and
 * get() on each would scan every segment for every one.
 */
export async function missingJtis(src: RowSource, jtis: string[]): Promise<string[]> {
  const wanted = new Map<number, Set<string>>();
  for (const jti of jtis) {
    const h = jtiHash(jti);
    let set = wanted.get(h);
    if (!set) wanted.set(h, (set = new Set()));
    set.add(jti);
  }
  const found = new Set<string>();
  for (const seg of [...src.segments]) {
    const col = seg.cols.jti;
    const hits: number[] = [];
    for (let i = 0; i < seg.rows; i++) if (wanted.has(col[i]!)) hits.push(i);
    if (!hits.length) continue;
    for (const row of await src.readRows(seg, hits)) if (wanted.get(jtiHash(row.jti))?.has(row.jti)) found.add(row.jti);
  }
  return jtis.filter((j) => !found.has(j));
}
