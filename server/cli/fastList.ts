/**
 * `authserver admin issuance list` without commander: scripts poll this command, and loading the
 * full CLI costs more than the query (~50 ms against Node's ~75 ms start). Only a command line
 * the full CLI would accept as is takes this path: through the running server's admin API, or,
 * with no server, straight from the issuance log under the data-dir lock (the full CLI would open
 * the whole store and the domain services for it). Anything else (help, a flag it does not know,
 * a bad value, a journal that needs recovery, an error) returns false and the full CLI runs.
 */
import { GRANT_TYPES, ISSUANCE_STATES } from '../contracts/enums';
import type { IssuanceQuery } from '../contracts/issuanceQuery';
import { SINCE_DEFAULT, sinceInstant } from '../contracts/since';
import type { IssuancePage } from '../admin/issuancePage';
import { runningServerPort } from './adminPort';
import { resolveDataDir } from './dataDir';
import { ALL_PAGE, printIssuanceList, stdoutWrite, type ListMode } from './issuanceList';

const VALUED = new Set(['resource', 'client', 'sub', 'user', 'grant', 'state', 'jti', 'since', 'limit', 'cursor', 'data-dir']);
const SWITCHES = new Set(['--json', '--all']);
const CHOICES: Record<string, readonly string[]> = { grant: GRANT_TYPES, state: ISSUANCE_STATES };

interface Parsed {
  query: IssuanceQuery;
  mode: ListMode;
  dataDir?: string;
}

/** The flags after `admin issuance list`, or undefined for anything the full CLI should judge. */
export function parseListArgs(args: string[]): Parsed | undefined {
  const seen = new Map<string, string>();
  const switches = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (SWITCHES.has(a) && !switches.has(a)) {
      switches.add(a);
      continue;
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/s.exec(a);
    if (!m || !VALUED.has(m[1]!) || seen.has(m[1]!)) return undefined;
    const value = m[2] ?? args[++i];
    if (value === undefined || (m[2] === undefined && value.startsWith('-'))) return undefined;
    if (CHOICES[m[1]!] && !CHOICES[m[1]!]!.includes(value)) return undefined;
    seen.set(m[1]!, value);
  }
  const mode: ListMode = switches.has('--all') ? 'all' : switches.has('--json') ? 'json' : 'table';
  const limitText = seen.get('limit') ?? String(mode === 'all' ? ALL_PAGE : 50);
  if (!/^\d{1,4}$/.test(limitText) || Number(limitText) < 1 || Number(limitText) > 5000) return undefined;
  // --user is the product's name for --sub; naming both is for the full CLI to refuse.
  if (seen.has('user') && seen.has('sub')) return undefined;
  const since = seen.get('since') ?? SINCE_DEFAULT;
  if ('error' in sinceInstant(since, Date.now())) return undefined;
  const q: IssuanceQuery = { limit: Number(limitText), since };
  for (const k of ['resource', 'client', 'sub', 'grant', 'state', 'jti', 'cursor'] as const) if (seen.has(k)) q[k] = seen.get(k);
  if (seen.has('user')) q.sub = seen.get('user');
  return { query: q, mode, dataDir: seen.get('data-dir') };
}

/** Prints the list and returns true, or returns false to let the full CLI handle the command. */
export async function issuanceListFast(args: string[]): Promise<boolean> {
  const parsed = parseListArgs(args);
  if (!parsed) return false;
  let printed = false;
  const write = (text: string) => {
    printed = true;
    return stdoutWrite(text);
  };
  try {
    const dataDir = await resolveDataDir(parsed.dataDir);
    const server = await runningServerPort(dataDir, { createToken: false });
    if (server.port) {
      const port = server.port;
      await printIssuanceList((q) => port.listIssuances(q), parsed.query, parsed.mode, write);
      return true;
    }
    // A server without a readable token is for the full CLI to explain; no server: read the log.
    if (server.running) return false;
    return await fromIssuanceLog(dataDir, (list) => printIssuanceList(list, parsed.query, parsed.mode, write));
  } catch (err) {
    // Once rows went out, running the full CLI would print them twice: report here instead.
    if (printed) {
      process.stderr.write(`authserver issuance list: ${(err as Error).message}\n`);
      process.exitCode = 1;
      return true;
    }
    return false;
  }
}

/** Runs `use` over the issuance log alone, as the admin API would list it; false to defer. */
async function fromIssuanceLog(dataDir: string, use: (list: (q: IssuanceQuery) => Promise<IssuancePage>) => Promise<void>): Promise<boolean> {
  const { existsSync } = await import('node:fs');
  const { join } = await import('node:path');
  if (!existsSync(join(dataDir, 'issuances'))) return false;
  const [{ acquireDataDirLock }, { pendingJournalRows }, { SegmentedIssuanceLog }, { issuancePage }] = await Promise.all([
    import('../store/lock'),
    import('../store/familyStore'),
    import('../store/issuanceLog'),
    import('../admin/issuancePage'),
  ]);
  const lock = await acquireDataDirLock(dataDir);
  try {
    // Rows a crash left only in the journal are restored by a full open: let the full CLI do it.
    if ((await pendingJournalRows(dataDir)) > 0) return false;
    // Repairs (a torn tail cut, an index rebuilt) are reported as the full CLI's store does.
    const log = await SegmentedIssuanceLog.open(dataDir, { durability: 'fsync', warn: (m) => console.warn(`authplane store: ${m}`) });
    try {
      await use((q) => issuancePage(log, { ...q, limit: q.limit ?? 50 }, Date.now()));
      return true;
    } finally {
      await log.close();
    }
  } finally {
    await lock.release();
  }
}
