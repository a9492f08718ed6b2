#!/usr/bin/env node
// `npm start`: build what is needed, then open the desktop app. Where Electron cannot start
// (no Electron binary, no display), say so in one line and serve the same UI to a browser.
// Arguments after `--` go to the app: npm start -- --port 9100 --data-dir ./.authplane
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const args = process.argv.slice(2);

const built = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
if (built.status !== 0) {
  console.error('npm start: the build failed (see above).');
  process.exit(built.status ?? 1);
}

/**
 * The Electron binary, found the way `require('electron')` does, but without its fallback of
 * downloading the binary (a network call that fails offline and prints a stack trace).
 */
function electronBinary() {
  let dir;
  try {
    dir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { error: 'the electron package is not installed' };
  }
  const pathFile = join(dir, 'path.txt');
  const exe = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined;
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) return { bin: join(process.env.ELECTRON_OVERRIDE_DIST_PATH, exe || 'electron') };
  if (!exe || !existsSync(join(dir, 'dist', exe))) return { error: 'the Electron binary was never downloaded into node_modules/electron' };
  return { bin: join(dir, 'dist', exe) };
}

/** Why Electron cannot start here, or undefined when it can. */
function electronBlocker(found) {
  if (process.env.AUTHPLANE_NO_ELECTRON === '1') return 'AUTHPLANE_NO_ELECTRON=1';
  if (found.error) return found.error;
  if (['linux', 'freebsd', 'openbsd'].includes(process.platform) && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return 'there is no display: DISPLAY and WAYLAND_DISPLAY are unset';
  return undefined;
}

const found = electronBinary();
const blocker = electronBlocker(found);
if (!blocker) {
  const child = spawn(found.bin, ['.', ...args], { stdio: 'inherit' });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
} else {
  console.log(`npm start: Electron cannot start here (${blocker}); serving the same UI in your browser instead.`);
  const { build } = await import('esbuild');
  const out = join(root, 'dist/electron/headless.mjs');
  await build({ entryPoints: ['electron/headless.ts'], outfile: out, bundle: true, platform: 'node', target: 'node20', format: 'esm', packages: 'external', sourcemap: 'linked', logLevel: 'warning' });
  const { runHeadless } = await import(pathToFileURL(out).href);
  process.exitCode = await runHeadless(args, process.env);
}
