/**
 * One-time migration of a data dir written before the token log held the families: the old
 * `families.jsonl` (full family snapshots, `{"issuance":…}` journal lines and `{"checkpoint":…}`
 * lines) is moved into the token log, then removed.
 *
 * The live families go into the log as ordinary family lines, together with every journaled
 * issuance row the log lacks (the old format synced the issuance log only at checkpoints, so a
 * power cut could leave a row only in the journal), in one durable write. Only then is
 * families.jsonl removed. A crash before the removal runs the migration again at the next open:
 * rows already restored are found and not added twice, and the family lines written again say
 * the same thing (the last line for an id wins).
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Issuance } from '../contracts';
import { asFamily, isDeadFamily } from './familyRow';
import type { LocatedFamily } from './familySidecar';
import { type Durability, fsyncDir, storageError } from './fsio';
import type { SegmentedIssuanceLog } from './issuanceLog';
import { asIssuance } from './issuanceSegment';
import { replayJsonl } from './jsonlReplay';
import type { RefreshFamily } from './types';

export const LEGACY_FAMILIES_FILE = 'families.jsonl';

export const legacyFamiliesFile = (dataDir: string) => path.join(dataDir, LEGACY_FAMILIES_FILE);

export async function hasLegacyFamilies(dataDir: string): Promise<boolean> {
  return fsp.stat(legacyFamiliesFile(dataDir)).then(
    () => true,
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return false;
      throw storageError(legacyFamiliesFile(dataDir), 'read', err);
    },
  );
}

/** Moves families.jsonl into the log (if there is one); returns the live families it held, to join those the log read. */
export async function migrateLegacyFamilies(
  dataDir: string,
  log: SegmentedIssuanceLog,
  ctx: { durability: Durability; now: () => number; warn: (message: string) => void },
): Promise<LocatedFamily[]> {
  if (!(await hasLegacyFamilies(dataDir))) return [];
  const file = legacyFamiliesFile(dataDir);
  const families = new Map<string, RefreshFamily>();
  const journaled = new Map<string, Issuance>();
  await replayJsonl(
    file,
    ({ value }) => {
      const v = value as Record<string, unknown> | null;
      if (v && typeof v === 'object' && 'checkpoint' in v) return;
      if (v && typeof v === 'object' && 'issuance' in v) {
        const row = asIssuance(v.issuance);
        journaled.set(row.jti, row);
        return;
      }
      const row = asFamily(value);
      families.set(row.id, row);
    },
    ctx,
  );
  const restored = (await log.missing([...journaled.keys()])).map((jti) => journaled.get(jti)!);
  const now = ctx.now();
  const live = [...families.values()].filter((f) => !isDeadFamily(f, now));
  const [, locs] = await Promise.all([Promise.all(restored.map((r) => log.append(r))), Promise.all(live.map((f) => log.appendFamily(f)))]);
  // Rows found present may be only in the page cache, written by the process that crashed.
  await log.syncAll();
  try {
    await fsp.rm(file);
    if (ctx.durability === 'fsync') await fsyncDir(dataDir);
  } catch (err) {
    throw storageError(file, 'remove', err);
  }
  const lost = restored.length ? `; ${restored.length} issuance row(s) it journaled were missing from the issuance log (lost in a crash before their sync) and have been restored` : '';
  ctx.warn(`${file}: moved ${live.length} refresh famil${live.length === 1 ? 'y' : 'ies'} into the token log (${log.dir}) and removed it${lost}`);
  return live.map((family, k) => ({ family, loc: locs[k]! }));
}
