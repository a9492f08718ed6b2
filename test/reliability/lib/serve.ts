/**
 * `authserver serve` children on a given data dir, for the reliability and security suites:
 * the bundled CLI (test/cli/helpers.ts) with a seed that gives one resource, a public client
 * and a confidential client, and a few helpers to run a flow against it.
 */
import { promises as fsp } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { cliEnv, runCli, startServe, type CliResult, type ServeProcess } from '../../cli/helpers';
import { decodeJwtPayload, form, request } from './http';

export const SEED_YAML = `resources:
  - slug: mcp-a
    display_name: MCP A
    uri: http://127.0.0.1:3001/mcp
    scopes:
      - name: read
        description: Read access
      - name: write
        description: Write access
clients:
  - name: agent
    client_id: agent
    grant_types: [authorization_code, refresh_token]
    auth_method: none
    scopes: [read, write]
    redirect_uris: [http://127.0.0.1:8765/callback]
users:
  - sub: dev-user
    name: Dev User
`;

export async function writeSeed(dir: string): Promise<string> {
  const file = path.join(dir, 'seed.yaml');
  await fsp.writeFile(file, SEED_YAML);
  return file;
}

export function serveArgs(dataDir: string, seedFile: string, extra: string[] = []): string[] {
  return ['--port', '0', '--data-dir', dataDir, '--consent', 'auto', '--user', 'dev-user', '--seed', seedFile, '--log-level', 'warn', ...extra];
}

export async function serve(cli: string, home: string, dataDir: string, seedFile: string, extra: string[] = []): Promise<ServeProcess> {
  return startServe(cli, serveArgs(dataDir, seedFile, extra), cliEnv(home));
}

/** `authserver serve …` run to completion (for starts that must fail). */
export function serveOnce(cli: string, home: string, dataDir: string, seedFile: string, extra: string[] = []): Promise<CliResult & { ms: number }> {
  const t0 = Date.now();
  return runCli(cli, ['serve', ...serveArgs(dataDir, seedFile, extra)], { env: cliEnv(home), timeoutMs: 20_000 }).then((r) => ({ ...r, ms: Date.now() - t0 }));
}

export interface Tokens {
  access_token: string;
  refresh_token?: string;
  jti: string;
}

/** authorize (auto consent) → code. */
export async function authorizeCode(issuer: string): Promise<{ code: string; verifier: string }> {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const q = new URLSearchParams({ response_type: 'code', client_id: 'agent', redirect_uri: 'http://127.0.0.1:8765/callback', scope: 'read write', resource: 'http://127.0.0.1:3001/mcp', state: 's', code_challenge: challenge, code_challenge_method: 'S256' });
  const res = await request(`${issuer}/oauth/authorize?${q}`);
  const code = res.headers.location ? new URL(res.headers.location).searchParams.get('code') : null;
  if (res.status !== 303 || !code) throw new Error(`authorize: ${res.status} ${res.headers.location ?? res.text}`);
  return { code, verifier };
}

export function tokenRequest(issuer: string, params: Record<string, string>) {
  return request(`${issuer}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form(params) });
}

export function exchange(issuer: string, code: string, verifier: string) {
  return tokenRequest(issuer, { grant_type: 'authorization_code', code, code_verifier: verifier, client_id: 'agent', redirect_uri: 'http://127.0.0.1:8765/callback' });
}

export function refreshRequest(issuer: string, refreshToken: string) {
  return tokenRequest(issuer, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'agent' });
}

export function parseTokens(text: string): Tokens {
  const j = JSON.parse(text) as { access_token: string; refresh_token?: string };
  return { ...j, jti: decodeJwtPayload(j.access_token).jti as string };
}

/** A complete flow: code → tokens. */
export async function codeFlow(issuer: string): Promise<Tokens> {
  const { code, verifier } = await authorizeCode(issuer);
  const res = await exchange(issuer, code, verifier);
  if (res.status !== 200) throw new Error(`token: ${res.status} ${res.text}`);
  return parseTokens(res.text);
}

// ---- a real small file system (tmpfs), where the sandbox allows mounting --------------------

/** Mounts a tmpfs of `sizeKb` at `dir` (root on Linux only). False when not possible here. */
export function mountTmpfs(dir: string, sizeKb: number): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  return spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k,mode=0700`, 'tmpfs', dir], { stdio: 'ignore' }).status === 0;
}

export function remount(dir: string, mode: 'ro' | 'rw'): boolean {
  return spawnSync('mount', ['-o', `remount,${mode}`, dir], { stdio: 'ignore' }).status === 0;
}

export function unmount(dir: string): void {
  spawnSync('umount', ['-l', dir], { stdio: 'ignore' });
}

let fillers = 0;
/** Fills the file system holding `dir` (a new filler file, written until ENOSPC); returns its path. */
export async function fillDisk(dir: string): Promise<string> {
  const filler = path.join(dir, `filler-${++fillers}.bin`);
  const fh = await fsp.open(filler, 'w').catch(() => undefined);
  if (!fh) return filler;
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  try {
    for (;;) await fh.write(chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
    // The last pages: smaller writes until not even one byte fits.
    for (const size of [4096, 512, 1]) {
      try {
        for (;;) await fh.write(Buffer.alloc(size, 0x61));
      } catch {
        /* next smaller size */
      }
    }
  } finally {
    await fh.close().catch(() => undefined);
  }
  return filler;
}
