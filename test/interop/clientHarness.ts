/**
 * Plumbing for the tests that run real, separately installed MCP clients (Inspector, mcp-remote,
 * SDK clients, openid-client) against AuthPlane and the example MCP server: one shared clock to
 * make tokens really expire, output watching for child processes, Approve clicked in Chromium,
 * and the per-file Chromium and per-test cleanups the test files share.
 */
import { spawn, type ChildProcess, type ChildProcessByStdio, type SpawnOptions } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { chmod, writeFile } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startExampleMcpServer, type ExampleMcpServer } from '../../examples/mcp-server/server';
import { installCached, nodeAtLeast } from '../../scripts/lib/cache.mjs';
import { launchBrowser } from '../helpers/browser';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';
import { serveLoopback } from './helpers';

export interface NotesRig {
  s: TestServer;
  mcp: ExampleMcpServer;
  /**
   * Moves AuthPlane's and the MCP server's clocks together: access tokens issued before are then
   * really expired for both, while refresh tokens (longer-lived) still work.
   */
  advance(ms: number): void;
  close(): Promise<void>;
}

/** AuthPlane (consent `prompt` unless told) + the example MCP server, registered as mcp-a (read, write). */
export async function startNotesRig(opts: Parameters<typeof startTestServer>[0] = {}): Promise<NotesRig> {
  let offset = 0;
  const now = () => Date.now() + offset;
  const s = await startTestServer({ consent: 'prompt', clock: { now }, ...opts });
  const mcp = await startExampleMcpServer({ issuer: s.issuer, now });
  await s.services.resources.create({ slug: 'mcp-a', uri: mcp.resource, display_name: 'Notes', scopes: [{ name: 'read', description: 'Read access' }, { name: 'write', description: 'Write access' }] });
  return {
    s,
    mcp,
    advance: (ms) => {
      offset += ms;
    },
    close: async () => {
      await mcp.close();
      await s.stop();
    },
  };
}

/** Two hours: past AuthPlane's access-token lifetime, well inside the refresh token's. */
export const PAST_ACCESS_TOKEN_EXPIRY = 2 * 3600_000;

/** The issuance log of one client, newest first (grant and scope of each token minted). */
export async function issuances(s: TestServer, clientId: string): Promise<Array<{ grant: string; scope: string; resource: string; sub: string }>> {
  return ((await (await s.admin(`/issuances?client=${encodeURIComponent(clientId)}`)).json()) as { issuances: Array<{ grant: string; scope: string; resource: string; sub: string }> }).issuances;
}

/** Collects a child's stdout/stderr and resolves when a pattern appears (or rejects after `ms`). */
export function watch(child: ChildProcess) {
  const text = { stdout: '', stderr: '' };
  const listeners = new Set<() => void>();
  for (const stream of ['stdout', 'stderr'] as const) {
    child[stream]?.setEncoding('utf8').on('data', (d: string) => {
      text[stream] += d;
      for (const l of listeners) l();
    });
  }
  const exit = new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
  const until = (stream: 'stdout' | 'stderr', re: RegExp, what: string, ms = 30_000) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const m = re.exec(text[stream]);
        if (!m) return;
        done();
        resolve(m);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out waiting for ${what}; stdout:\n${text.stdout}\nstderr:\n${text.stderr}`));
      }, ms);
      const done = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });
  return { text, until, exit };
}

/**
 * Starts a client program in a process group of its own: Inspector 1.0.3's launcher, for one,
 * runs its proxy and web server as children that outlive a SIGTERM to the launcher alone.
 */
export function spawnClient(command: string, args: string[], opts: SpawnOptions & { stdio: ['pipe' | 'ignore', 'pipe', 'pipe'] }) {
  return spawn(command, args, { ...opts, detached: true }) as ChildProcessByStdio<Writable | null, Readable, Readable>;
}

/** Ends a child we started (its whole process group when it has one) and waits for it. */
export async function stop(child: ChildProcess | undefined) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  try {
    process.kill(-child.pid!, 'SIGTERM');
  } catch {
    child.kill('SIGTERM');
  }
  await exited;
}

/**
 * Chromium for a test file (one per file: vitest runs files in parallel workers), closed after
 * it. Call at the top level of the file; the getter gives the running browser.
 */
export function useChromium(): () => BrowserContext {
  let browser: BrowserContext | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('useChromium: no browser (used outside the tests, or its launch failed)');
    return browser;
  };
}

/**
 * What a test starts (servers, client processes) is stopped after it, last started first, even
 * when it fails. Call at the top level of the file; hand each stop to the returned function.
 */
export function useCleanups(): (cleanup: () => Promise<unknown>) => void {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  return (cleanup) => {
    cleanups.push(cleanup);
  };
}

/** What a person does: open the authorization URL, click Approve on AuthPlane's consent page, land on the client's callback. */
export async function approveInChromium(browser: BrowserContext, url: string, landing: RegExp) {
  const page = await browser.newPage();
  try {
    await page.goto(url);
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL(landing);
    return await page.content();
  } finally {
    await page.close();
  }
}

/**
 * An environment for a client that "opens a browser": a fresh HOME, and BROWSER pointing at a stub
 * that only records URLs (the test opens them in Chromium itself). No desktop session, so
 * xdg-open honours BROWSER.
 */
export async function clientHome(prefix: string, extra: NodeJS.ProcessEnv = {}) {
  const home = await tempDir(prefix);
  const opened = join(home, 'opened-urls.txt');
  const stub = join(home, 'browser-stub.sh');
  await writeFile(stub, `#!/bin/sh\necho "$1" >> '${opened}'\n`);
  await chmod(stub, 0o755);
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, BROWSER: stub, ...extra };
  for (const k of ['DISPLAY', 'WAYLAND_DISPLAY', 'XDG_CURRENT_DESKTOP', 'DESKTOP_SESSION', 'KDE_FULL_SESSION', 'GNOME_DESKTOP_SESSION_ID', 'NODE_OPTIONS', 'VITEST', 'VITEST_WORKER_ID', 'VITEST_POOL_ID']) delete env[k];
  return { home, opened, env };
}

export interface CachedProgram {
  version: string;
  /** A Node that satisfies the program's `engines` (the running one, or a registry download). */
  node: string;
  /** The script to run with `node`. */
  entry: string;
  /** PATH with that Node first: the program may start helpers as plain `node`. */
  path: string;
}

/** MCP Inspector, installed from the npm registry into .cache (it is not a dependency: see docs/compatibility.md). */
export function inspector(version: '2.12.0' | '1.0.3'): CachedProgram {
  const dir = installCached(`inspector-${version}`, '@modelcontextprotocol/inspector', version);
  const [node, entry] = version === '2.12.0' ? [nodeAtLeast('22.19.0'), join(dir, 'clients/launcher/build/index.js')] : [nodeAtLeast('22.7.5'), join(dir, 'cli/build/cli.js')];
  return { version, node, entry, path: [dirname(node), process.env.PATH].join(delimiter) };
}

/**
 * A loopback redirect URI that really listens (as a native app's would): the browser lands there
 * after Approve, and `next()` resolves with the callback's query (code, state, iss).
 */
export async function loopbackCallback(path = '/callback') {
  const waiting: Array<(q: URLSearchParams) => void> = [];
  const received: URLSearchParams[] = [];
  const server = await serveLoopback((req, res, origin) => {
    const url = new URL(req.url!, origin);
    res.writeHead(200, { 'content-type': 'text/html' }).end('<p>Authorization complete. You can close this window.</p>');
    if (url.pathname !== path) return;
    const w = waiting.shift();
    if (w) w(url.searchParams);
    else received.push(url.searchParams);
  });
  return {
    url: `${server.origin}${path}`,
    next: () => new Promise<URLSearchParams>((resolve) => (received.length ? resolve(received.shift()!) : waiting.push(resolve))),
    close: server.close,
  };
}

/**
 * The callback's query, or (if the browser has not reached the callback in 45 s) an error saying
 * where it is instead: an error page after Approve would otherwise be a silent wait until the
 * MCP SDK's request timeout.
 */
async function landedOrExplain(landed: Promise<URLSearchParams>, page: import('playwright-core').Page): Promise<URLSearchParams> {
  let timer: NodeJS.Timeout | undefined;
  const stuck = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      void page
        .evaluate(() => document.body?.innerText ?? '')
        .catch((e: unknown) => `(page unreadable: ${String(e)})`)
        .then((text) => reject(new Error(`the browser did not reach the callback after Approve; it is at ${page.url()}: ${text.slice(0, 500)}`)));
    }, 45_000);
  });
  try {
    return await Promise.race([landed, stuck]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * What an application does in `redirectToAuthorization`: open the URL in the browser, where the
 * person clicks Approve on AuthPlane's consent page; the loopback callback receives the code.
 * `choose` may untick scopes first (a person granting less than asked).
 */
export async function consentInChromium(browser: BrowserContext, url: URL, callback: Awaited<ReturnType<typeof loopbackCallback>>, choose?: (page: import('playwright-core').Page) => Promise<void>) {
  const landed = callback.next();
  // The persistent context's own tab, reused for every consent: opening and closing a tab per
  // consent (newPage / close, which have no timeout) hung a CI run once in a few hundred.
  const page = browser.pages()[0] ?? (await browser.newPage());
  await page.goto(url.href);
  if (choose) await choose(page);
  await page.getByRole('button', { name: 'Approve' }).click();
  const query = await landedOrExplain(landed, page);
  const error = query.get('error');
  if (error) throw new Error(`authorization failed: ${error}: ${query.get('error_description')}`);
  return query;
}
