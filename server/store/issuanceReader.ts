/**
 * A read-only open of the store for what lists issuances with no server (the CLI's `issuance
 * list`): the issuance log alone, without the tables, the families or the audit trail, seeing
 * exactly the rows openStore() would. As for openStore(), the caller holds the data-dir lock.
 *
 * A data dir still holding the old families.jsonl (which may journal rows the log lacks) is opened
 * whole once, so openStore() moves it into the token log first (legacyFamilies.ts).
 */
import path from 'node:path';
import { SegmentedIssuanceLog } from './issuanceLog';
import { hasLegacyFamilies } from './legacyFamilies';
import { openStore } from './index';
import type { IssuanceLog, OpenStoreOptions } from './types';

export interface IssuanceReader {
  readonly issuances: Pick<IssuanceLog, 'list' | 'get' | 'count'>;
  close(): Promise<void>;
}

export async function openIssuanceReader(dataDir: string, opts: Pick<OpenStoreOptions, 'onWarning'> = {}): Promise<IssuanceReader> {
  const dir = path.resolve(dataDir);
  if (await hasLegacyFamilies(dir)) return openStore(dir, { durability: 'fsync', onWarning: opts.onWarning });
  // Repairs the log makes on open (a torn tail cut, an index rebuilt) are reported as openStore() reports them.
  const warn = opts.onWarning ?? ((message: string) => console.warn(`authplane store: ${message}`));
  const log = await SegmentedIssuanceLog.open(dir, { durability: 'fsync', warn, families: false });
  return { issuances: log, close: () => log.close() };
}
