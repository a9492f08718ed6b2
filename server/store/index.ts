/**
 * openStore(): the one Store implementation, on plain files in the data dir.
 *
 * Data dir layout (dir 0700, files 0600):
 *   resources.json clients.json users.json consents.json keys.json   small tables (docFileAdapter.ts)
 *   fronting.json                                                    fronting links (small table too)
 *   families.jsonl                                                   refresh families (familyStore.ts)
 *   issuances/seg-NNNNNN.jsonl + .idx                                issuance log (issuanceLog.ts)
 *   audit/audit-NNNNNN.jsonl                                         audit trail (auditLog.ts)
 *   server.lock  server.json  admin-token                            lock.ts, runtimeFile.ts, secrets.ts
 *
 * openStore() does not take the data-dir lock: callers hold `acquireDataDirLock()` (lock.ts)
 * for as long as the store is open, so only one process ever writes these files.
 */
import path from 'node:path';
import type { Client, ConsentGrant, FrontingLink, Resource, User } from '../contracts';
import { SegmentedAuditLog } from './auditLog';
import { LowDocTable } from './docTable';
import { JsonlFamilyStore } from './familyStore';
import { mkdirPrivate, removeStaleTempFiles } from './fsio';
import { SegmentedIssuanceLog } from './issuanceLog';
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

  // The family log journals issuance rows (familyStore.ts): its replay runs while the issuance
  // log opens; only the recovery of journaled rows waits for it.
  const opening = SegmentedIssuanceLog.open(dir, { durability, warn, segmentRows: opts.issuanceSegmentRows });
  const familiesOpening = JsonlFamilyStore.open(dir, { durability, now, warn, journal: opening });
  const [resources, clients, users, consents, keys, fronting, families, issuances, audit] = await openAllOrNone([
    LowDocTable.open<Resource>(dir, 'resources', 'slug', durability),
    LowDocTable.open<Client>(dir, 'clients', 'client_id', durability),
    LowDocTable.open<User>(dir, 'users', 'sub', durability),
    LowDocTable.open<ConsentGrant>(dir, 'consents', 'id', durability),
    LowDocTable.open<StoredKey>(dir, 'keys', 'kid', durability),
    LowDocTable.open<FrontingLink>(dir, 'fronting', 'id', durability),
    familiesOpening,
    opening,
    SegmentedAuditLog.open(dir, { durability, warn, segmentBytes: opts.auditSegmentBytes, keepSegments: opts.auditKeepSegments }),
  ] as const);
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
      // Families first: their final checkpoint syncs the issuance log.
      closing ??= families.close().then(
        () => closeAll([resources, clients, users, consents, keys, fronting, issuances, audit]),
        async (err) => {
          await closeAll([resources, clients, users, consents, keys, fronting, issuances, audit]).catch(() => undefined);
          throw err;
        },
      );
      return closing;
    },
  };
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
