/**
 * The flow timeline's text arena: records read back as written, capped without splitting a
 * character, and rolled off (never read back half-overwritten) once newer records wrap over them.
 */
import { describe, expect, it } from 'vitest';
import { TextArena } from '../../server/flows/textArena';

describe('TextArena', () => {
  it('reads a record back as written: absent, empty and multi-byte texts', () => {
    const a = new TextArena(1024);
    const p = a.put(['GET /x', undefined, '', 'héllo ✓ 🙂']);
    expect(a.holds(p)).toBe(true);
    expect(a.read(p, 4)).toEqual([
      { text: 'GET /x', size: 6, truncated: false },
      undefined,
      { text: '', size: 0, truncated: false },
      { text: 'héllo ✓ 🙂', size: Buffer.byteLength('héllo ✓ 🙂'), truncated: false },
    ]);
  });

  it('caps a text at its cap in bytes, never splitting a character, and keeps its full size', () => {
    const a = new TextArena(1024);
    const long = 'é'.repeat(10); // 20 bytes
    const p = a.put(['uncapped', long, 'short'], [Infinity, 7, 7]);
    const [first, capped, short] = a.read(p, 3)!;
    expect(first).toEqual({ text: 'uncapped', size: 8, truncated: false });
    // 7 bytes would end inside the fourth "é": three whole ones are kept.
    expect(capped).toEqual({ text: 'ééé', size: 20, truncated: true });
    expect(short).toEqual({ text: 'short', size: 5, truncated: false });
  });

  it('rolls the oldest records off as newer ones wrap over them, and never splits one across the end', () => {
    const a = new TextArena(100);
    // Each record: an 8-byte field head and 6 bytes of text = 14 bytes, with room reserved for
    // the worst case, 8 + 3 × 6 = 26 bytes.
    const text = (i: number) => `rec-${String(i).padStart(2, '0')}`;
    const places = [0, 1, 2, 3, 4, 5].map((i) => a.put([text(i)]));
    expect(places).toEqual([0, 14, 28, 42, 56, 70]);
    expect(places.every((p) => a.holds(p))).toBe(true);

    // The seventh might not fit in the 16 bytes left: it starts over at the front, over record 0.
    const p6 = a.put([text(6)]);
    expect(p6).toBe(100);
    expect(a.holds(places[0]!)).toBe(false);
    expect(a.read(places[0]!, 1)).toBeUndefined();
    expect(a.read(places[1]!, 1)![0]!.text).toBe(text(1));
    expect(a.read(p6, 1)![0]!.text).toBe(text(6));

    // The eighth writes over record 1; the rest stay whole.
    const p7 = a.put([text(7)]);
    expect(p7).toBe(114);
    expect(a.holds(places[1]!)).toBe(false);
    expect([...places.slice(2), p6, p7].map((p) => a.read(p, 1)![0]!.text)).toEqual([2, 3, 4, 5, 6, 7].map(text));
    expect(a.used).toBeLessThanOrEqual(100);
  });

  it('refuses a record larger than the whole arena, without disturbing the others', () => {
    const a = new TextArena(64);
    const kept = a.put(['kept']);
    const p = a.put(['x'.repeat(100)]);
    expect(p).toBe(-1);
    expect(a.holds(p)).toBe(false);
    expect(a.read(p, 1)).toBeUndefined();
    expect(a.read(kept, 1)![0]!.text).toBe('kept');
  });

  it('reserves room by the worst case (3 bytes a UTF-16 unit) unless the cap is lower', () => {
    const a = new TextArena(64);
    // 20 units could be 60 bytes + 8: over 64, refused, though 'a' × 20 is 20 bytes.
    expect(a.put(['a'.repeat(20)])).toBe(-1);
    // Capped at 16 bytes, it fits: 24 bytes reserved.
    const p = a.put(['a'.repeat(20)], [16]);
    expect(a.read(p, 1)).toEqual([{ text: 'a'.repeat(16), size: 20, truncated: true }]);
  });
});
