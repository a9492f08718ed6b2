/**
 * replayJsonl reads a file in 1 MiB parts: lines that cross a part's end, a line longer than a
 * part, byte offsets that are the file's, the torn tail, and the errors of a bad file.
 */
import { readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CorruptDataError, StorageError } from '../../server/errors';
import { type JsonlLine, replayJsonl } from '../../server/store/jsonlReplay';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'authplane-replay-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const replay = async (file: string, raw?: (buf: Buffer, start: number, end: number, lineNo: number) => boolean) => {
  const lines: JsonlLine[] = [];
  const warnings: string[] = [];
  const result = await replayJsonl(file, (l) => lines.push(l), { durability: 'fsync', warn: (m) => warnings.push(m), raw });
  return { lines, warnings, result };
};

/** n lines of varying length (multi-byte text included), as JSONL. */
const makeLines = (n: number) => Array.from({ length: n }, (_, i) => JSON.stringify({ i, pad: 'x'.repeat((i * 7919) % 3000), text: 'é✓' }));

describe('replayJsonl', () => {
  it('replays every line of a file several parts long, with the byte ranges of the file', async () => {
    const file = join(dir, 'a.jsonl');
    const texts = makeLines(3000);
    texts.splice(1500, 0, JSON.stringify({ long: 'y'.repeat(2.5 * 1024 * 1024) })); // longer than a part
    texts.splice(10, 0, '   ');
    await writeFile(file, texts.join('\n') + '\n');
    const bytes = readFileSync(file);
    const { lines, warnings, result } = await replay(file);
    expect(warnings).toEqual([]);
    expect(result).toEqual({ validBytes: statSync(file).size, lines: texts.length - 1, tornBytes: 0 });
    expect(lines.map((l) => l.value)).toEqual(texts.filter((t) => t.trim()).map((t) => JSON.parse(t)));
    for (const l of lines) expect(bytes.toString('utf8', l.start, l.end)).toBe(texts[l.lineNo - 1]);
  });

  it('hands raw the bytes of the line it may claim, and counts claimed lines', async () => {
    const file = join(dir, 'b.jsonl');
    const texts = makeLines(2000);
    await writeFile(file, texts.join('\n') + '\n');
    const claimed: string[] = [];
    const { lines, result } = await replay(file, (buf, start, end, lineNo) => {
      if (lineNo % 2) return false;
      claimed.push(buf.toString('utf8', start, end));
      return true;
    });
    expect(claimed).toEqual(texts.filter((_, i) => i % 2 === 1));
    expect(lines.map((l) => l.lineNo)).toEqual(texts.map((_, i) => i + 1).filter((n) => n % 2));
    expect(result.lines).toBe(2000);
  });

  it('cuts a torn last line off the file and says so', async () => {
    const file = join(dir, 'c.jsonl');
    const texts = makeLines(1000);
    const whole = texts.join('\n') + '\n';
    await writeFile(file, whole + '{"torn":');
    const { lines, warnings, result } = await replay(file);
    expect(result).toEqual({ validBytes: Buffer.byteLength(whole), lines: 1000, tornBytes: 8 });
    expect(lines).toHaveLength(1000);
    expect(warnings).toEqual([`${file}: dropped an incomplete last line (8 bytes) left by an interrupted write; the 1000 complete lines before it are intact`]);
    expect(readFileSync(file, 'utf8')).toBe(whole);
  });

  it('stops at a bad line with its number and leaves the file as it was', async () => {
    const file = join(dir, 'd.jsonl');
    const texts = makeLines(1200);
    texts[1100] = '{"not json';
    const content = texts.join('\n') + '\n';
    await writeFile(file, content);
    const err = await replay(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptDataError);
    expect((err as Error).message).toMatch(new RegExp(`d\\.jsonl line 1101 is not valid JSON`));
    expect(readFileSync(file, 'utf8')).toBe(content);
  });

  it('treats a missing file as empty and refuses a symbolic link', async () => {
    expect((await replay(join(dir, 'none.jsonl'))).result).toEqual({ validBytes: 0, lines: 0, tornBytes: 0 });
    await writeFile(join(dir, 'real.jsonl'), '{}\n');
    await symlink(join(dir, 'real.jsonl'), join(dir, 'link.jsonl'));
    const err = await replay(join(dir, 'link.jsonl')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect((err as Error).message).toBe(`${join(dir, 'link.jsonl')} is a symbolic link; AuthPlane never follows links for its data files. Replace it with the file itself.`);
  });
});
