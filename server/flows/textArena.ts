/**
 * The flow timeline's recorded text (URLs, headers, bodies), kept outside the JavaScript heap in
 * one ring buffer that holds the newest `size` bytes. A step keeps only where its record starts;
 * when newer records have written over it, its text has rolled off and the step with it.
 *
 * Why not strings on the heap: every recorded step lives until its flow rolls off, long enough to
 * be promoted, and the collector then copies and marks it again and again. Measured (BENCHMARKS.md,
 * "The flow timeline's cost"), keeping those strings cost more than taking and grouping the steps.
 * Text in a buffer allocated once costs the collector nothing.
 */

/** A text as read back: what was kept, the byte size of the whole text, and whether it was capped. */
export type ArenaText = { text: string; size: number; truncated: boolean } | undefined;

/** Per text: its kept byte length (ABSENT for none) and its full byte length. */
const FIELD_HEAD = 8;
const ABSENT = 0xffff_ffff;

export class TextArena {
  private buf: Buffer | undefined;
  /** Bytes written since the start, counting the tail left unused at each wrap: a record's place is this before it. */
  private written = 0;
  private offset = 0;

  constructor(readonly size: number) {}

  /**
   * Writes `texts` as one record, each capped at `caps[i]` bytes (UTF-8, never splitting a
   * character), and returns its place: -1 when the record could not fit in the whole arena.
   */
  put(texts: ReadonlyArray<string | undefined>, caps: ReadonlyArray<number> = []): number {
    let bound = 0;
    for (let i = 0; i < texts.length; i++) bound += FIELD_HEAD + Math.min(caps[i] ?? Infinity, (texts[i]?.length ?? 0) * 3);
    if (bound > this.size) return -1;
    // A record is never split across the end: its place alone tells whether it is intact.
    if (this.offset + bound > this.size) {
      this.written += this.size - this.offset;
      this.offset = 0;
    }
    const buf = (this.buf ??= Buffer.alloc(this.size));
    const place = this.written;
    let at = this.offset;
    for (let i = 0; i < texts.length; i++) {
      const t = texts[i];
      if (t === undefined) {
        buf.writeUInt32LE(ABSENT, at);
        buf.writeUInt32LE(0, at + 4);
        at += FIELD_HEAD;
        continue;
      }
      const cap = caps[i] ?? Infinity;
      // A UTF-16 unit is at most 3 UTF-8 bytes: a text this short is never capped, nor measured twice.
      const n = buf.write(t, at + FIELD_HEAD, Math.min(cap, t.length * 3), 'utf8');
      buf.writeUInt32LE(n, at);
      buf.writeUInt32LE(t.length * 3 <= cap ? n : Buffer.byteLength(t), at + 4);
      at += FIELD_HEAD + n;
    }
    this.written += at - this.offset;
    this.offset = at;
    return place;
  }

  /** Whether the record at `place` is still intact (not yet written over). */
  holds(place: number): boolean {
    return place >= 0 && this.written - place <= this.size;
  }

  /** The texts of the record at `place` (`count` of them, as written), or undefined once it rolled off. */
  read(place: number, count: number): ArenaText[] | undefined {
    if (!this.holds(place) || !this.buf) return undefined;
    const buf = this.buf;
    let at = place % this.size;
    const out: ArenaText[] = [];
    for (let i = 0; i < count; i++) {
      const n = buf.readUInt32LE(at);
      const size = buf.readUInt32LE(at + 4);
      at += FIELD_HEAD;
      if (n === ABSENT) {
        out.push(undefined);
        continue;
      }
      out.push({ text: buf.toString('utf8', at, at + n), size, truncated: n < size });
      at += n;
    }
    return out;
  }

  /** Bytes of recorded text the arena holds now (at most `size`). */
  get used(): number {
    return Math.min(this.written, this.size);
  }
}
