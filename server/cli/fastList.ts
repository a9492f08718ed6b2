/**
 * `authserver admin issuance list` without commander: scripts poll this command, and loading the
 * full CLI costs more than the query (~50 ms against Node's ~75 ms start). Only a command line
 * the full CLI would accept as is takes this path: through the running server's admin API, or,
 * with no server, straight from the issuance log under the data-dir lock (the full CLI would open
 * the whole store and the domain services for it). Anything else (help, a flag it does not know,
 * a bad value, a journal that needs recovery, an error) returns false and the full CLI runs.
 */
import type { Issuance } from '../contracts';
import { GRANT_TYPES, ISSUANCE_STATES } from '../contracts/enums';
import type { IssuanceQuery } from '../contracts/issuanceQuery';
import type { IssuanceRow } from '../admin/ops';
import { runningServerPort } from './adminPort';
import { resolveDataDir } from './dataDir';
import { issuanceTable } from './issuanceFormat';

const VALUED = new Set(['resource', 'client', 'sub', 'grant', 'state', 'jti', 'limit', 'cursor', 'data-dir']);
const CHOICES: Record<string, readonly string[]> = { grant: GRANT_TYPES, state: ISSUANCE_STATES };

interface Parsed {
  query: IssuanceQuery;
  json: boolean;
  dataDir?: string;
}

/** The flags after `admin issuance list`, or undefined for anything the full CLI should judge. */
export function parseListArgs(args: string[]): Parsed | undefined {
  const seen = new Map<string, string>();
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--json' && !json) {
      json = true;
      continue;
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/s.exec(a);
    if (!m || !VALUED.has(m[1]!) || seen.has(m[1]!)) return undefined;
    const value = m[2] ?? args[++i];
    if (value === undefined || (m[2] === undefined && value.startsWith('-'))) return undefined;
    if (CHOICES[m[1]!] && !CHOICES[m[1]!]!.includes(value)) return undefined;
    seen.set(m[1]!, value);
  }
  const limitText = seen.get('limit') ?? '50';
  if (!/^\d{1,4}$/.test(limitText) || Number(limitText) < 1 || Number(limitText) > 5000) return undefined;
  const q: IssuanceQuery = { limit: Number(limitText) };
  for (const k of ['resource', 'client', 'sub', 'grant', 'state', 'jti', 'cursor'] as const) if (seen.has(k)) q[k] = seen.get(k);
  return { query: q, json, dataDir: seen.get('data-dir') };
}

/** Prints the page and returns true, or returns false to let the full CLI handle the command. */
export async function issuanceListFast(args: string[]): Promise<boolean> {
  const parsed = parseListArgs(args);
  if (!parsed) return false;
  try {
    const dataDir = await resolveDataDir(parsed.dataDir);
    const server = await runningServerPort(dataDir, { createToken: false });
    let page: { issuances: IssuanceRow[]; next_cursor: string | null } | undefined;
    if (server.port) page = await server.port.listIssuances(parsed.query);
    // A server without a readable token is for the full CLI to explain; no server: read the log.
    else if (!server.running) page = await fromIssuanceLog(dataDir, parsed.query);
    if (!page) return false;
    const text = parsed.json ? JSON.stringify(page.issuances, null, 2) : issuanceTable(page.issuances) + (page.next_cursor ? `\nmore: --cursor ${page.next_cursor}` : '');
    process.stdout.write(`${text}\n`);
    return true;
  } catch {
    return false;
  }
}

/** The page as the admin API would give it, read from the issuance log alone; undefined to defer. */
async function fromIssuanceLog(dataDir: string, q: IssuanceQuery): Promise<{ issuances: IssuanceRow[]; next_cursor: string | null } | undefined> {
  const { existsSync } = await import('node:fs');
  const { join } = await import('node:path');
  if (!existsSync(join(dataDir, 'issuances'))) return undefined;
  const [{ acquireDataDirLock }, { pendingJournalRows }, { SegmentedIssuanceLog }, { withState }] = await Promise.all([
    import('../store/lock'),
    import('../store/familyStore'),
    import('../store/issuanceLog'),
    import('../contracts/issuanceState'),
  ]);
  const lock = await acquireDataDirLock(dataDir);
  try {
    // Rows a crash left only in the journal are restored by a full open: let the full CLI do it.
    if ((await pendingJournalRows(dataDir)) > 0) return undefined;
    // Repairs (a torn tail cut, an index rebuilt) are reported as the full CLI's store does.
    const log = await SegmentedIssuanceLog.open(dataDir, { durability: 'fsync', warn: (m) => console.warn(`authplane store: ${m}`) });
    try {
      const now = Date.now();
      const page = await log.list({ ...q, grant: q.grant as Issuance['grant'] | undefined, state: q.state as IssuanceRow['state'] | undefined, limit: q.limit ?? 50, now });
      return { issuances: page.rows.map((r) => withState(r, now)), next_cursor: page.next_cursor ?? null };
    } finally {
      await log.close();
    }
  } finally {
    await lock.release();
  }
}
