/**
 * `issuance list` with no server: the store's read-only issuance reader under the data-dir lock,
 * paged by the same function as the admin API (server/admin/issuancePage.ts), so both print the
 * same rows and cursors. It skips what DirectAdminPort opens for writes (every table, the
 * families, zod, the services): a script polling the list pays for the log alone.
 */
import { issuanceQueryParams, type IssuanceQuery } from '../contracts/issuanceQuery';
import type { PartialPort } from './adminPort';
import { openLocked } from './lockedDataDir';

export type IssuanceListPort = PartialPort<'listIssuances'>;

export async function openOfflineIssuances(dataDir: string): Promise<IssuanceListPort> {
  const [{ openIssuanceReader }, { issuancePage }] = await Promise.all([import('../store/issuanceReader'), import('../admin/issuancePage')]);
  const reader = await openLocked(dataDir, () => openIssuanceReader(dataDir));
  return {
    // The query as the admin API receives it (empty filters dropped); the flags were checked by the command.
    listIssuances: (q: IssuanceQuery) => issuancePage(reader.issuances, { ...issuanceQueryParams(q), limit: q.limit ?? 50 }, Date.now()),
    close: () => reader.close(),
  };
}
