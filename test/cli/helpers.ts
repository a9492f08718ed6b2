/**
 * Runs the real CLI as a child process. The CLI is bundled from server/cli/main.ts with esbuild
 * (as scripts/build.mjs does, plus code splitting) into test-output/, next to node_modules so
 * external packages resolve.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export async function buildCli(): Promise<string> {
  const outdir = join(ROOT, 'test-output', `cli-${process.pid}-${Date.now().toString(36)}`);
  // Code splitting keeps the server, store and their packages out of `--help` start-up.
  await build({
    entryPoints: { cli: join(ROOT, 'server/cli/main.ts') },
    outdir,
    chunkNames: 'chunks/[name]-[hash]',
    splitting: true,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    logLevel: 'error',
  });
  return join(outdir, 'cli.js');
}

export async function removeBuild(cli: string): Promise<void> {
  await rm(resolve(cli, '..'), { recursive: true, force: true });
}

export async function tempDir(prefix = 'authplane-cli-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A clean environment: no inherited data dir, HOME in a temp dir (the platform default is never touched). */
export function cliEnv(home: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, XDG_DATA_HOME: join(home, '.local/share'), XDG_CONFIG_HOME: join(home, '.config'), APPDATA: join(home, 'AppData') };
  delete env.AUTHPLANE_DATA_DIR;
  delete env.NODE_OPTIONS;
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export function runCli(cli: string, args: string[], opts: { env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`authserver ${args.join(' ')} timed out\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, opts.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

export interface ServeProcess {
  child: ChildProcess;
  issuer: string;
  stdout(): string;
  stderr(): string;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited: Promise<number | null>;
}

/** Starts `authserver serve …` and resolves once its first stdout line (the issuer) arrives. */
export function startServe(cli: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 20_000): Promise<ServeProcess> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [cli, 'serve', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let settled = false;
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      child.kill('SIGKILL');
      reject(new Error(`serve did not print its issuer\nstdout: ${out}\nstderr: ${err}`));
    }, timeoutMs);
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const nl = out.indexOf('\n');
      if (!settled && nl >= 0) {
        settled = true;
        clearTimeout(timer);
        resolvePromise({
          child,
          issuer: out.slice(0, nl),
          stdout: () => out,
          stderr: () => err,
          exited,
          stop: async (signal = 'SIGTERM') => {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            return exited;
          },
        });
      }
    });
    void exited.then((code) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(Object.assign(new Error(`serve exited with ${code} before printing its issuer\nstdout: ${out}\nstderr: ${err}`), { code, stdout: out, stderr: err }));
    });
  });
}

/**
 * One test file's CLI: built once, run with a private HOME (`cmd`, each run given `timeoutMs`,
 * 20 s by default), and servers it starts (`serve`) killed after the file. Call at the top level
 * of a test file.
 */
export function cliSuite(opts: { timeoutMs?: number } = {}): { cmd: (args: string[]) => Promise<CliResult>; serve: (args: string[]) => Promise<ServeProcess>; env: () => NodeJS.ProcessEnv } {
  let cli = '';
  let env: NodeJS.ProcessEnv = {};
  const running: ServeProcess[] = [];
  beforeAll(async () => {
    cli = await buildCli();
    env = cliEnv(await tempDir('authplane-cli-home-'));
  });
  afterAll(async () => {
    for (const s of running) await s.stop('SIGKILL');
    if (cli) await removeBuild(cli);
  });
  return {
    cmd: (args) => runCli(cli, args, { env, timeoutMs: opts.timeoutMs }),
    serve: async (args) => {
      const s = await startServe(cli, args, env);
      running.push(s);
      return s;
    },
    env: () => env,
  };
}
