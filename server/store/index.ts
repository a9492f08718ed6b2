/**
 * openStore(): the one Store implementation, on plain files in the data dir.
 *
 * Data dir layout (dir 0700, files 0600):
 *   resources.json clients.json users.json consents.json keys.json   small tables (docFileAdapter.ts)
 *   fronting.json                                                    fronting links (small table too)
 *   issuances/seg-NNNNNN.jsonl + .idx + .families.jsonl              token log: issuance rows and refresh
 *                                                                    family changes (issuanceLog.ts; the
 *                                                                    family index over it: familyStore.ts)
 *   audit/audit-NNNNNN.jsonl                                         audit trail (auditLog.ts)
 *   server.lock  server.json  admin-token                            lock.ts, runtimeFile.ts, secrets.ts
 * A families.jsonl left by an older version is moved into the token log once, at open (legacyFamilies.ts).
 *
 * openStore() does not take the data-dir lock: callers hold `acquireDataDirLock()` (lock.ts)
 * for as long as the store is open, so only one process ever writes these files.
 */
import path from 'node:path';
import type { Client, ConsentGrant, FrontingLink, Resource, User } from '../contracts';
import { SegmentedAuditLog } from './auditLog';
import { LowDocTable } from './docTable';
import { LoggedFamilyStore } from './familyStore';
import { type Durability, mkdirPrivate, removeStaleTempFiles } from './fsio';
import { SegmentedIssuanceLog } from './issuanceLog';
import { migrateLegacyFamilies } from './legacyFamilies';
import type { OpenStoreOptions, Store, StoredKey } from './types';

export type { Store, OpenStoreOptions } from './types';

interface Closable {
  close(): Promise<void>;
}

export async function openStore(dataDir: string, opts: OpenStoreOptions = {}): Promise<Store> {
  const dir = path.resolve(dataDir);
  const durability = opts.durability ?? 'fsync';
  const warn = opts.onWarning ?? ((message: string) => console.warn(`authplane store: ${message}`));
  const now = opts.now ?? (() => Date.now());
  await mkdirPrivate(dir);
  await removeStaleTempFiles(dir);

  const [resources, clients, users, consents, keys, fronting, tokens, audit] = await openAllOrNone([
    LowDocTable.open<Resource>(dir, 'resources', 'slug', durability),
    LowDocTable.open<Client>(dir, 'clients', 'client_id', durability),
    LowDocTable.open<User>(dir, 'users', 'sub', durability),
    LowDocTable.open<ConsentGrant>(dir, 'consents', 'id', durability),
    LowDocTable.open<StoredKey>(dir, 'keys', 'kid', durability),
    LowDocTable.open<FrontingLink>(dir, 'fronting', 'id', durability),
    openTokenLog(dir, { durability, now, warn, segmentRows: opts.issuanceSegmentRows }),
    SegmentedAuditLog.open(dir, { durability, warn, segmentBytes: opts.auditSegmentBytes, keepSegments: opts.auditKeepSegments }),
  ] as const);
  const { issuances, families } = tokens;
  let closing: Promise<void> | undefined;
  return {
    dataDir: dir,
    resources,
    clients,
    users,
    consents,
    keys,
    fronting,
    families,
    issuances,
    audit,
    close() {
      closing ??= closeAll([resources, clients, users, consents, keys, fronting, tokens, audit]);
      return closing;
    },
  };
}

/** The token log, the one-time move of an old families.jsonl into it, and the family index over it. */
async function openTokenLog(
  dir: string,
  opts: { durability: Durability; now: () => number; warn: (message: string) => void; segmentRows?: number },
): Promise<{ issuances: SegmentedIssuanceLog; families: LoggedFamilyStore; close(): Promise<void> }> {
  const issuances = await SegmentedIssuanceLog.open(dir, opts);
  try {
    const read = issuances.takeFamilies();
    for (const f of await migrateLegacyFamilies(dir, issuances, opts)) read.set(f.family.id, f);
    const families = LoggedFamilyStore.load(issuances, read.values(), opts.now);
    // Families first: a put after close is refused by them rather than by a closed log.
    return { issuances, families, close: () => families.close().then(() => issuances.close()) };
  } catch (err) {
    await issuances.close().catch(() => undefined);
    throw err;
  }
}

/** All parts open, or none stay open: the ones that did open (e.g. all but a corrupt clients.json) are closed, no fd leaks. */
async function openAllOrNone<T extends ReadonlyArray<Promise<Closable>>>(opening: T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const settled = await Promise.allSettled(opening);
  const failed = settled.find((p): p is PromiseRejectedResult => p.status === 'rejected');
  if (failed) {
    await Promise.allSettled(settled.map((p) => (p.status === 'fulfilled' ? p.value.close() : undefined)));
    throw failed.reason;
  }
  return settled.map((p) => (p as PromiseFulfilledResult<Closable>).value) as { -readonly [K in keyof T]: Awaited<T[K]> };
}

/** Closes every part even if one fails to flush; the first failure is reported. */
async function closeAll(parts: Closable[]): Promise<void> {
  const results = await Promise.allSettled(parts.map((p) => p.close()));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
