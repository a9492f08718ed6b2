/**
 * Bulk writing of the issuance log for benchmarks and scale tests: the same files the live log
 * writes, without a write per row.
 */
import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { StorageError } from '../errors';
import type { Issuance } from '../contracts';
import { familiesFile } from './familySidecar';
import { atomicWriteFile, type Durability, fsyncDir, mkdirPrivate, storageError, writeFully, FILE_MODE } from './fsio';
import { issuancesDir, SEG_RE, segmentFile, segmentRowsOf, writeIdxFile } from './issuanceFiles';
import { asIssuance, encodeRowLine, rowRevocation, Segment } from './issuanceSegment';

/**
 * Fast bulk writer for benchmarks and scale tests: writes `rows` into `<dataDir>/issuances/` as
 * sealed segments (.jsonl + .idx + .families.jsonl) exactly as the live log would, plus a final partial segment
 * (the active one). The log must be empty; nothing else may have the data dir open.
 */
export async function writeIssuanceSegments(
  dataDir: string,
  rows: Iterable<Issuance>,
  opts: { segmentRows?: number; durability?: Durability } = {},
): Promise<{ rows: number; segments: number }> {
  const dir = issuancesDir(dataDir);
  const segmentRows = segmentRowsOf(opts.segmentRows);
  const durability = opts.durability ?? 'os';
  await mkdirPrivate(dataDir);
  await mkdirPrivate(dir);
  if ((await fsp.readdir(dir)).some((n) => SEG_RE.test(n))) throw new StorageError(dir, `${dir} already holds issuance segments; writeIssuanceSegments only fills an empty log`);
  let no = 0;
  let total = 0;
  let seg: Segment | undefined;
  let fh: FileHandle | undefined;
  let pending: string[] = [];
  let pendingBytes = 0;
  const flushText = async () => {
    if (!pending.length) return;
    await writeFully(fh!, Buffer.from(pending.join(''), 'utf8'), seg!.bytes - pendingBytes);
    pending = [];
    pendingBytes = 0;
  };
  const finish = async (sealIt: boolean) => {
    await flushText();
    if (durability === 'fsync') await fh!.sync();
    await fh!.close();
    if (sealIt) {
      seg!.seal();
      // No family lines in a bulk-written segment: its families sidecar is empty.
      await atomicWriteFile(familiesFile(dir, seg!.no), '', { durability });
      await writeIdxFile(dir, seg!, durability);
    }
  };
  try {
    for (const input of rows) {
      if (!seg) {
        seg = Segment.growable(++no, segmentFile(dir, no), segmentRows);
        fh = await fsp.open(seg.file, 'wx', FILE_MODE);
      }
      const row = asIssuance(input);
      const line = encodeRowLine(row);
      const len = Buffer.byteLength(line, 'utf8');
      const i = seg.push(row, seg.bytes, len);
      const rec = rowRevocation(row, seg.no, i);
      if (rec) seg.revocations.push(rec);
      pending.push(line, '\n');
      seg.bytes += len + 1;
      pendingBytes += len + 1;
      total++;
      if (pendingBytes >= 4 * 1024 * 1024) await flushText();
      if (seg.rows >= segmentRows) {
        await finish(true);
        seg = undefined;
        fh = undefined;
      }
    }
    if (seg) await finish(false);
    if (durability === 'fsync') await fsyncDir(dir);
  } catch (err) {
    await fh?.close().catch(() => undefined);
    throw storageError(seg?.file ?? dir, 'write', err);
  }
  return { rows: total, segments: no };
}
