/**
 * The built renderer for UI tests: built once per source state into a content-addressed
 * cache dir (node_modules/.cache/authplane-ui/<hash>), so a stale dist/renderer never tests
 * old code and parallel test files share one build (a mkdir lock serialises builders).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');
const INPUTS = ['renderer', 'server/contracts', 'server/ui/types.ts', 'server/admin/ops.ts', 'electron/ipc/contract.ts', 'vite.config.ts'];

async function walk(p: string, out: string[]): Promise<void> {
  const st = await stat(p).catch(() => undefined);
  if (!st) return;
  if (st.isDirectory()) {
    for (const e of (await readdir(p)).sort()) await walk(join(p, e), out);
  } else out.push(p);
}

async function sourceHash(): Promise<string> {
  const files: string[] = [];
  for (const i of INPUTS) await walk(join(ROOT, i), files);
  const h = createHash('sha256');
  for (const f of files) {
    h.update(f.slice(ROOT.length));
    h.update(await readFile(f));
  }
  return h.digest('hex').slice(0, 16);
}

export async function ensureRendererBuilt(): Promise<string> {
  const cache = join(ROOT, 'node_modules/.cache/authplane-ui');
  const dir = join(cache, await sourceHash());
  if (existsSync(join(dir, 'index.html'))) return dir;
  await mkdir(cache, { recursive: true });
  const lock = `${dir}.lock`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch {
      if (existsSync(join(dir, 'index.html'))) return dir;
      // A builder that died leaves its lock: take it over after a while.
      const age = Date.now() - ((await stat(lock).catch(() => undefined))?.mtimeMs ?? Date.now());
      if (age > 90_000) await rm(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error('timed out waiting for another test to build the renderer');
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    if (existsSync(join(dir, 'index.html'))) return dir;
    const tmp = `${dir}.tmp-${process.pid}`;
    const { build } = await import('vite');
    // Vitest sets NODE_ENV=test, which would give a development build of React: test what ships.
    const env = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await build({ configFile: join(ROOT, 'vite.config.ts'), root: join(ROOT, 'renderer'), mode: 'production', logLevel: 'error', build: { outDir: tmp, emptyOutDir: true, sourcemap: false } });
    } finally {
      process.env.NODE_ENV = env;
    }
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
    // Builds of older sources pile up while the UI is being edited: drop those unused for an hour.
    for (const e of await readdir(cache)) {
      const p = join(cache, e);
      if (p !== dir && !e.endsWith('.lock') && Date.now() - (await stat(p)).mtimeMs > 3600_000) await rm(p, { recursive: true, force: true });
    }
    return dir;
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}
