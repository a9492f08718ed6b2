/**
 * `server.json`: how the CLI finds a running server (`{pid, url, adminUrl?, started_at}`,
 * mode 0600). Written after the server listens, removed on shutdown; a file left by a crash is
 * ignored because its pid is dead.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { atomicWriteFile, errnoCode, isPidAlive, storageError } from './fsio';

export const RUNTIME_FILE = 'server.json';

export interface RuntimeInfo {
  pid: number;
  url: string;
  adminUrl?: string;
  started_at: string;
}

const fileIn = (dataDir: string) => path.join(path.resolve(dataDir), RUNTIME_FILE);

export async function writeRuntimeFile(dataDir: string, info: RuntimeInfo): Promise<void> {
  await atomicWriteFile(fileIn(dataDir), JSON.stringify(info, null, 2) + '\n', { durability: 'fsync' });
}

/** The file's content, or undefined when it is missing or unreadable (a crash mid-write). */
export async function readRuntimeFile(dataDir: string): Promise<RuntimeInfo | undefined> {
  let text: string;
  try {
    text = await fsp.readFile(fileIn(dataDir), 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw storageError(fileIn(dataDir), 'read', err);
  }
  try {
    const v = JSON.parse(text) as Partial<RuntimeInfo> | null;
    if (v && Number.isInteger(v.pid) && typeof v.url === 'string' && typeof v.started_at === 'string') return v as RuntimeInfo;
  } catch {
    /* garbage: as if missing */
  }
  return undefined;
}

/** The running server of this data dir, or undefined if none (no file, or its process is gone). */
export async function readRunningServer(dataDir: string): Promise<RuntimeInfo | undefined> {
  const info = await readRuntimeFile(dataDir);
  return info && isPidAlive(info.pid) ? info : undefined;
}

/** Removes the file if it belongs to `pid` (default: this process), so a newer server's file survives. */
export async function removeRuntimeFile(dataDir: string, pid: number = process.pid): Promise<void> {
  const info = await readRuntimeFile(dataDir).catch(() => undefined);
  if (info && info.pid !== pid) return;
  await fsp.rm(fileIn(dataDir), { force: true }).catch((err) => {
    throw storageError(fileIn(dataDir), 'remove', err);
  });
}
