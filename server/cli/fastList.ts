/**
 * `authserver admin issuance list` while a server runs, without commander: scripts poll this
 * command, and loading the full CLI costs more than the query (~50 ms against Node's ~75 ms
 * start). Only a command line the full CLI would accept as is, answered through the running
 * server's admin API, takes this path; anything else (help, a flag it does not know, a bad
 * value, no server, an error) returns undefined and the full CLI runs as usual.
 */
import type { IssuanceQuery } from '../contracts/issuanceQuery';
import { HttpAdminPort } from './adminPort';
import { resolveDataDir } from './dataDir';
import { issuanceTable } from './issuanceFormat';

const VALUED = new Set(['resource', 'client', 'sub', 'grant', 'state', 'jti', 'limit', 'cursor', 'data-dir']);
const CHOICES: Record<string, string[]> = { grant: ['authorization_code', 'refresh_token', 'client_credentials'], state: ['active', 'expired', 'revoked'] };

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
    const [{ readRunningServer }, { readAdminToken }] = await Promise.all([import('../store/runtimeFile'), import('../store/secrets')]);
    const running = await readRunningServer(dataDir);
    if (!running) return false;
    const token = await readAdminToken(dataDir);
    if (!token) return false;
    const page = await new HttpAdminPort(running.url.replace(/\/$/, ''), token).listIssuances(parsed.query);
    const text = parsed.json ? JSON.stringify(page.issuances, null, 2) : issuanceTable(page.issuances) + (page.next_cursor ? `\nmore: --cursor ${page.next_cursor}` : '');
    process.stdout.write(`${text}\n`);
    return true;
  } catch {
    return false;
  }
}
