/**
 * Vitest globalSetup: the UI and browser tests drive a real Chromium. When it is missing, install
 * it where that needs no questions (Debian/Ubuntu as root or with passwordless sudo, as .ci/run
 * does); otherwise stop before any test with one line that says exactly what to run.
 * CHROMIUM_PATH points at another binary; CHROMIUM_INSTALL=0 never installs.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { CHROMIUM_PATH } from '../helpers/chromiumPath';

export interface Facts {
  path: string;
  /** CHROMIUM_PATH was set by the user (then we never install over it). */
  custom: boolean;
  present: boolean;
  debian: boolean;
  root: boolean;
  sudo: boolean;
  platform: NodeJS.Platform;
  installAllowed: boolean;
}

export type Plan = { action: 'ready' } | { action: 'install'; command: string } | { action: 'stop'; line: string };

const APT = 'apt-get update -qq && apt-get install -y -qq chromium';

export function plan(f: Facts): Plan {
  if (f.present) return { action: 'ready' };
  if (f.custom) return { action: 'stop', line: `CHROMIUM_PATH=${f.path} does not exist or is not executable: point it at a Chromium or Chrome binary` };
  if (f.debian && f.installAllowed && (f.root || f.sudo)) return { action: 'install', command: f.root ? `${APT}` : `sudo sh -c '${APT}'` };
  const how =
    f.platform === 'darwin'
      ? 'run `brew install --cask chromium` and set CHROMIUM_PATH=/Applications/Chromium.app/Contents/MacOS/Chromium'
      : f.platform === 'win32'
        ? 'install Chrome or Chromium and set CHROMIUM_PATH to its chrome.exe'
        : f.debian
          ? 'run `sudo apt-get install -y chromium` (or set CHROMIUM_PATH to a Chromium or Chrome binary)'
          : "install Chromium with your system's package manager and set CHROMIUM_PATH to its binary";
  return { action: 'stop', line: `The UI tests need Chromium at ${f.path}: ${how}, then run npm test again.` };
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function gatherFacts(env: NodeJS.ProcessEnv = process.env): Facts {
  const path = env.CHROMIUM_PATH ?? CHROMIUM_PATH;
  const present = executable(path);
  const debian = existsSync('/etc/debian_version');
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const installAllowed = env.CHROMIUM_INSTALL !== '0';
  // Only asked when it matters: `sudo -n` fails at once instead of prompting.
  const sudo = !present && debian && !root && installAllowed && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
  return { path, custom: env.CHROMIUM_PATH !== undefined, present, debian, root, sudo, platform: process.platform, installAllowed };
}

export interface Io {
  write(line: string): void;
  exit(code: number): never;
  run(command: string): number | null;
}

const realIo: Io = {
  write: (line) => process.stderr.write(line + '\n'),
  exit: (code) => process.exit(code),
  run: (command) => spawnSync('sh', ['-c', command], { stdio: ['ignore', 'ignore', 'inherit'] }).status,
};

export function ensureChromium(env: NodeJS.ProcessEnv = process.env, io: Io = realIo): void {
  const facts = gatherFacts(env);
  const p = plan(facts);
  if (p.action === 'ready') return;
  if (p.action === 'install') {
    io.write(`Chromium is missing at ${facts.path}; installing it for the UI tests: ${p.command}`);
    if (io.run(p.command) === 0 && executable(facts.path)) return;
    io.write(`Installing Chromium failed: run \`sudo apt-get install -y chromium\` yourself, then npm test again.`);
    io.exit(1);
  }
  io.write((p as { line: string }).line);
  io.exit(1);
}

export default function setup(): void {
  ensureChromium();
}
