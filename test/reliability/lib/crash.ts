/**
 * The kill -9 crash harness: a real `authserver serve` child on one data dir, 16 OAuth flows in
 * flight (authorize with auto consent → code exchange → refresh → refresh …), SIGKILL at a
 * random moment, restart on the same data dir, and check what a developer relies on:
 *
 *  - every token whose response reached the client has its issuance row (rows lost = 0);
 *  - every refresh token the client holds still works, once, after the restart (the server runs
 *    with `--refresh-grace 5m`: a refresh whose response the kill swallowed is retried and gets
 *    the token the server rotated to; strict rotation would rightly call that retry reuse);
 *  - every data file parses (doc files are whole, JSONL lines are whole but for a torn tail);
 *  - no jti appears twice in the issuance log.
 *
 * Some rounds also kill the server while it starts (store open, seeding).
 * Used by test/reliability/crash.test.ts (a few rounds) and `npm run soak` (50 rounds).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { decodeJwtPayload, form, freePort, request } from './http';
import { duplicates, inspectDataDir } from './dataFiles';
import { SEED_YAML } from './serve';


export interface CrashOptions {
  /** The bundled CLI (test/cli/helpers.ts buildCli). */
  cli: string;
  rounds: number;
  /** Flows in flight (default 16). */
  concurrency?: number;
  /** SIGKILL this long after the load starts: [min, max] ms (default [150, 1200]). */
  killWindowMs?: [number, number];
  /** Share of rounds that also kill the server while it starts (default 0.25). */
  startupKillRate?: number;
  /** PRNG seed, printed in the report so a failing run can be replayed. */
  seed?: number;
  /** Data dir to use (default: a new temp dir, removed afterwards unless a round failed). */
  dataDir?: string;
  log?: (line: string) => void;
}

export interface CrashReport {
  seed: number;
  dataDir: string;
  rounds: number;
  /** Rounds after which every check passed. */
  survived: number;
  /** Tokens delivered to the client whose issuance row is missing. Must be 0. */
  rowsLost: number;
  /** Refresh tokens held by the client that failed after a restart. Must be 0. */
  refreshFailures: number;
  /** jtis found more than once in the issuance log. Must be 0. */
  duplicateJtis: number;
  /** Data files that did not parse after a kill. Must be 0. */
  unparsableFiles: number;
  /** Access tokens delivered (each one checked for its row). */
  tokensDelivered: number;
  refreshTokensChecked: number;
  killsUnderLoad: number;
  killsDuringStartup: number;
  /** Incomplete JSONL tails found after kills (expected to be rare; cut away at the next start). */
  tornTails: number;
  /** Temp files of interrupted atomic writes found after kills (old or new file intact either way). */
  interruptedAtomicWrites: number;
  /** Requests answered with something other than success while the server was up. Must be 0. */
  unexpectedResponses: number;
  failures: string[];
  /** Warnings the restarted servers printed (torn tails cut off and the like). */
  serverWarnings: string[];
}

/** mulberry32: small, seedable, good enough to pick kill times. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Serve {
  child: ChildProcess;
  ready: Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr: () => string;
}

function spawnServe(cli: string, dataDir: string, port: number, seedFile: string): Serve {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: path.join(dataDir, '..'), NODE_OPTIONS: '' };
  delete env.AUTHPLANE_DATA_DIR;
  const child = spawn(process.execPath, [cli, 'serve', '--port', String(port), '--data-dir', dataDir, '--consent', 'auto', '--user', 'dev-user', '--seed', seedFile, '--refresh-grace', '5m', '--log-level', 'warn'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl));
    });
    void exited.then(({ code, signal }) => reject(new Error(`serve exited (${code ?? signal}) before printing its issuer: ${err.trim()}`)));
  });
  ready.catch(() => undefined);
  return { child, ready, exited, stderr: () => err };
}

async function kill9(s: Serve): Promise<void> {
  if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
  await s.exited;
}

const b64url = (b: Buffer) => b.toString('base64url');

interface Chain {
  id: number;
  /** The refresh token the client holds (the latest one it received). */
  refresh?: string;
  uses: number;
}

class ClientSide {
  /** jti → where it came from, for every access token whose response reached us. */
  readonly delivered = new Map<string, string>();
  unexpected: string[] = [];
  constructor(
    readonly issuer: () => string,
    readonly agent: () => http.Agent,
  ) {}

  private post(p: string, body: Record<string, string>) {
    return request(this.issuer() + p, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form(body), agent: this.agent(), timeoutMs: 15_000 });
  }

  private take(res: { status: number; text: string }, what: string): { access_token: string; refresh_token?: string } {
    if (res.status !== 200) throw Object.assign(new Error(`${what}: HTTP ${res.status} ${res.text.slice(0, 300)}`), { http: true });
    const json = JSON.parse(res.text) as { access_token: string; refresh_token?: string };
    const jti = decodeJwtPayload(json.access_token).jti as string;
    this.delivered.set(jti, what);
    return json;
  }

  async newGrant(chain: Chain): Promise<void> {
    const verifier = b64url(randomBytes(32));
    const challenge = b64url(createHash('sha256').update(verifier).digest());
    const q = new URLSearchParams({ response_type: 'code', client_id: 'agent', redirect_uri: 'http://127.0.0.1:8765/callback', scope: 'read write', resource: 'http://127.0.0.1:3001/mcp', state: String(chain.id), code_challenge: challenge, code_challenge_method: 'S256' });
    const auth = await request(`${this.issuer()}/oauth/authorize?${q}`, { agent: this.agent(), timeoutMs: 15_000 });
    const loc = auth.headers.location;
    if (auth.status !== 303 || !loc) throw Object.assign(new Error(`authorize: HTTP ${auth.status} ${auth.text.slice(0, 300)}`), { http: true });
    const code = new URL(loc).searchParams.get('code');
    if (!code) throw Object.assign(new Error(`authorize redirected without a code: ${loc}`), { http: true });
    const tok = this.take(
      await this.post('/oauth/token', { grant_type: 'authorization_code', code, code_verifier: verifier, client_id: 'agent', redirect_uri: 'http://127.0.0.1:8765/callback', resource: 'http://127.0.0.1:3001/mcp' }),
      'authorization_code',
    );
    if (!tok.refresh_token) throw Object.assign(new Error('no refresh_token in the code exchange response'), { http: true });
    chain.refresh = tok.refresh_token;
    chain.uses = 0;
  }

  async refresh(chain: Chain): Promise<void> {
    const tok = this.take(await this.post('/oauth/token', { grant_type: 'refresh_token', refresh_token: chain.refresh!, client_id: 'agent' }), 'refresh_token');
    if (!tok.refresh_token) throw Object.assign(new Error('no refresh_token in the refresh response'), { http: true });
    chain.refresh = tok.refresh_token;
    chain.uses++;
  }
}

export async function runCrashRounds(opts: CrashOptions): Promise<CrashReport> {
  const seed = opts.seed ?? (Date.now() ^ (process.pid << 8)) >>> 0;
  const rnd = prng(seed);
  const concurrency = opts.concurrency ?? 16;
  const [killMin, killMax] = opts.killWindowMs ?? [150, 1200];
  const startupKillRate = opts.startupKillRate ?? 0.25;
  const log = opts.log ?? (() => undefined);
  const base = opts.dataDir ? undefined : await fsp.mkdtemp(path.join(os.tmpdir(), 'authplane-crash-'));
  const dataDir = opts.dataDir ?? path.join(base!, 'data');
  await fsp.mkdir(dataDir, { recursive: true });
  const seedFile = path.join(path.dirname(dataDir), 'crash-seed.yaml');
  await fsp.writeFile(seedFile, SEED_YAML);
  const port = await freePort();

  const report: CrashReport = {
    seed,
    dataDir,
    rounds: 0,
    survived: 0,
    rowsLost: 0,
    refreshFailures: 0,
    duplicateJtis: 0,
    unparsableFiles: 0,
    tokensDelivered: 0,
    refreshTokensChecked: 0,
    killsUnderLoad: 0,
    killsDuringStartup: 0,
    tornTails: 0,
    interruptedAtomicWrites: 0,
    unexpectedResponses: 0,
    failures: [],
    serverWarnings: [],
  };

  let issuer = '';
  let agent = new http.Agent({ keepAlive: true, maxSockets: concurrency * 2 });
  const client = new ClientSide(
    () => issuer,
    () => agent,
  );
  const chains: Chain[] = Array.from({ length: concurrency }, (_, id) => ({ id, uses: 0 }));
  const lost = new Set<string>();
  const collectWarnings = (s: Serve) => {
    for (const line of s.stderr().split('\n')) if (line.trim() && !report.serverWarnings.includes(line.trim())) report.serverWarnings.push(line.trim());
  };

  /** Every jti delivered so far must be in the log; none twice; every file parses. */
  const checkFiles = async (round: number, when: string): Promise<boolean> => {
    const d = await inspectDataDir(dataDir);
    let ok = true;
    if (d.problems.length) {
      ok = false;
      report.unparsableFiles += d.problems.length;
      report.failures.push(`round ${round} (${when}): ${d.problems.join('; ')}`);
    }
    report.tornTails += d.tornTails.length;
    report.interruptedAtomicWrites += d.tempFiles.length;
    const onDisk = new Set(d.jtis);
    const missing = [...client.delivered.keys()].filter((j) => !onDisk.has(j) && !lost.has(j));
    if (missing.length) {
      ok = false;
      for (const j of missing) lost.add(j);
      report.rowsLost += missing.length;
      report.failures.push(`round ${round} (${when}): ${missing.length} delivered token(s) have no issuance row: ${missing.slice(0, 5).map((j) => `${j} (${client.delivered.get(j)})`).join(', ')}`);
    }
    const dup = duplicates(d.jtis);
    if (dup.length) {
      ok = false;
      report.duplicateJtis = Math.max(report.duplicateJtis, dup.length);
      report.failures.push(`round ${round} (${when}): jti(s) appear twice in the issuance log: ${dup.slice(0, 5).join(', ')}`);
    }
    return ok;
  };

  let serve: Serve = spawnServe(opts.cli, dataDir, port, seedFile);
  issuer = await serve.ready;
  try {
    for (let round = 1; round <= opts.rounds; round++) {
      report.rounds = round;
      let ok = true;
      const unexpectedBefore = client.unexpected.length;

      // ---- load, then SIGKILL at a random moment -------------------------------------------
      const stop = { killed: false };
      const workers = chains.map(async (chain) => {
        while (!stop.killed) {
          try {
            if (!chain.refresh || chain.uses >= 4) await client.newGrant(chain);
            else await client.refresh(chain);
          } catch (err) {
            // After the kill every request fails; before it, a failure is a finding.
            if (!stop.killed) client.unexpected.push(`round ${round}: ${(err as Error).message}`);
            if (!(err as { http?: boolean }).http || stop.killed) return;
            chain.refresh = undefined;
          }
        }
      });
      const killAt = killMin + Math.floor(rnd() * (killMax - killMin));
      await new Promise((r) => setTimeout(r, killAt));
      stop.killed = true;
      await kill9(serve);
      report.killsUnderLoad++;
      collectWarnings(serve);
      await Promise.all(workers);
      agent.destroy();
      agent = new http.Agent({ keepAlive: true, maxSockets: concurrency * 2 });
      if (client.unexpected.length > unexpectedBefore) {
        ok = false;
        report.unexpectedResponses += client.unexpected.length - unexpectedBefore;
        report.failures.push(...client.unexpected.slice(unexpectedBefore, unexpectedBefore + 5));
      }
      if (!(await checkFiles(round, `after kill -9 at ${killAt} ms under load`))) ok = false;

      // ---- sometimes: kill it again while it starts -------------------------------------
      if (rnd() < startupKillRate) {
        const early = spawnServe(opts.cli, dataDir, port, seedFile);
        const at = 20 + Math.floor(rnd() * 700);
        await new Promise((r) => setTimeout(r, at));
        await kill9(early);
        collectWarnings(early);
        report.killsDuringStartup++;
        if (!(await checkFiles(round, `after kill -9 at ${at} ms into a start`))) ok = false;
      }

      // ---- restart on the same data dir ---------------------------------------------------
      serve = spawnServe(opts.cli, dataDir, port, seedFile);
      try {
        issuer = await serve.ready;
      } catch (err) {
        report.failures.push(`round ${round}: restart failed: ${(err as Error).message}`);
        collectWarnings(serve);
        break;
      }

      // ---- every refresh token the client holds works once -------------------------------
      await Promise.all(
        chains.map(async (chain) => {
          if (!chain.refresh) return;
          report.refreshTokensChecked++;
          try {
            await client.refresh(chain);
          } catch (err) {
            ok = false;
            report.refreshFailures++;
            report.failures.push(`round ${round}: a refresh token held by the client failed after restart: ${(err as Error).message}`);
            chain.refresh = undefined;
          }
        }),
      );
      if (ok) report.survived++;
      log(`round ${round}/${opts.rounds}: killed at ${killAt} ms, ${client.delivered.size} tokens delivered so far, ${ok ? 'ok' : 'FAILED'}`);
    }

    // ---- clean stop, final check --------------------------------------------------------
    if (serve.child.exitCode === null) {
      serve.child.kill('SIGTERM');
      const { code } = await serve.exited;
      if (code !== 0) report.failures.push(`final SIGTERM: serve exited with ${code}: ${serve.stderr().trim()}`);
    }
    collectWarnings(serve);
    const finalOk = await checkFiles(report.rounds, 'after the final clean stop');
    const d = await inspectDataDir(dataDir);
    if (d.tornTails.length || d.tempFiles.length) report.failures.push(`after a clean stop the data dir still has torn tails or temp files: ${[...d.tornTails, ...d.tempFiles].join(', ')}`);
    if (!finalOk && report.survived === report.rounds) report.survived--;
  } finally {
    await kill9(serve).catch(() => undefined);
    agent.destroy();
  }
  report.tokensDelivered = client.delivered.size;
  if (base && report.failures.length === 0) await fsp.rm(base, { recursive: true, force: true });
  return report;
}

export function formatCrashReport(r: CrashReport): string {
  return [
    `kill -9 crash test: ${r.survived}/${r.rounds} rounds survived (seed ${r.seed})`,
    `  kills under load ${r.killsUnderLoad}, kills during start-up ${r.killsDuringStartup}`,
    `  tokens delivered ${r.tokensDelivered}, rows lost ${r.rowsLost}`,
    `  refresh tokens re-used after restart ${r.refreshTokensChecked}, failed ${r.refreshFailures}`,
    `  duplicate jtis ${r.duplicateJtis}, unparsable files ${r.unparsableFiles}, unexpected responses ${r.unexpectedResponses}`,
    `  torn JSONL tails seen (cut at restart) ${r.tornTails}, interrupted atomic writes seen (temp files) ${r.interruptedAtomicWrites}`,
    ...(r.failures.length ? ['  failures:', ...r.failures.slice(0, 20).map((f) => `    - ${f}`)] : []),
    ...(r.failures.length ? [`  data dir kept: ${r.dataDir}`] : []),
  ].join('\n');
}
