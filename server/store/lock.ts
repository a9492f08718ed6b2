/**
 * One AuthPlane process per data dir. Two servers appending to the same segments would corrupt
 * them, so the server and offline CLI commands take `server.lock` before `openStore()`
 * (openStore itself does not lock: the caller owns the lock's lifetime).
 *
 * `server.lock` holds `{"pid","started_at","hostname","token"}`. It appears atomically with its
 * content (hard link of a fully written temp file), so a reader never sees a half-written lock.
 * A lock whose pid is dead, or that is unreadable garbage from a crash, is taken over.
 */
import { randomUUID } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { atomicWriteFile, errnoCode, FILE_MODE, isPidAlive, mkdirPrivate, storageError, tempPathFor } from './fsio';

export const LOCK_FILE = 'server.lock';

export interface LockInfo {
  pid: number;
  started_at: string;
  hostname: string;
  /** Distinguishes this acquisition from an earlier process that had the same pid. */
  token?: string;
}

export interface DataDirLock {
  readonly file: string;
  /** Removes the lock if it is still ours. Idempotent. */
  release(): Promise<void>;
}

/** Tokens of locks this process holds (a crashed predecessor may have had our pid, e.g. in a container). */
const held = new Set<string>();
/** A takeover older than this was abandoned by a crash. */
const RECOVERY_STALE_MS = 10_000;

export interface LockWait {
  /** How long a live holder may keep the lock before this gives up (default 0: fail at once). */
  waitMs: number;
  /** A holder worth waiting for (e.g. a CLI command, which holds the lock for milliseconds). */
  brief(holder: LockInfo): Promise<boolean>;
}

export async function acquireDataDirLock(dataDir: string, wait?: LockWait): Promise<DataDirLock> {
  const deadline = Date.now() + (wait?.waitMs ?? 0);
  for (;;) {
    try {
      return await acquireOnce(dataDir);
    } catch (err) {
      const holder = (err as { holder?: LockInfo }).holder;
      if (!wait || !holder || Date.now() > deadline || !(await wait.brief(holder))) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

async function acquireOnce(dataDir: string): Promise<DataDirLock> {
  const dir = path.resolve(dataDir);
  const file = path.join(dir, LOCK_FILE);
  const mine: LockInfo = { pid: process.pid, started_at: new Date().toISOString(), hostname: os.hostname(), token: randomUUID() };
  const content = JSON.stringify(mine) + '\n';
  await mkdirPrivate(dir);
  for (let attempt = 0; attempt < 5; attempt++) {
    if (await createExclusive(file, content)) return handle(file, mine);
    const seen = await readRaw(file);
    if (seen === undefined) continue; // released meanwhile: try again
    const info = parseLock(seen);
    if (info && isLive(info)) throw inUse(dir, info);
    if (await takeOver(file, seen, content)) return handle(file, mine);
  }
  throw storageError(file, 'acquire the lock', new Error('it keeps changing; another AuthPlane process is starting at the same time'));
}

function handle(file: string, mine: LockInfo): DataDirLock {
  held.add(mine.token!);
  let released = false;
  return {
    file,
    async release() {
      if (released) return;
      released = true;
      held.delete(mine.token!);
      const info = parseLock((await readRaw(file).catch(() => undefined)) ?? '');
      // Only remove our own lock: a newer process may have taken over a lock we lost.
      if (info?.token === mine.token) await fsp.rm(file, { force: true }).catch(() => undefined);
    },
  };
}

function isLive(info: LockInfo): boolean {
  // Another machine's pid cannot be checked from here (a data dir on a shared drive): assume live.
  if (info.hostname !== os.hostname()) return true;
  if (info.pid === process.pid) return info.token !== undefined && held.has(info.token);
  if (!isPidAlive(info.pid)) return false;
  // After a reboot or a crash, the pid may now belong to an unrelated process. Where the OS says
  // when that process started (Linux), one that started after the lock was written is not ours.
  const started = processStartMs(info.pid);
  const lockedAt = Date.parse(info.started_at);
  return started === undefined || !Number.isFinite(lockedAt) || started <= lockedAt + 2000;
}

/** Start time of a process from /proc (Linux); undefined where that is not available. */
export function processStartMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime, in clock ticks since boot) follows the parenthesised command name.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    const btime = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
    if (!Number.isFinite(ticks) || !Number.isFinite(btime)) return undefined;
    // USER_HZ is 100 on every Linux ABI Node supports.
    return btime * 1000 + (ticks / 100) * 1000;
  } catch {
    return undefined;
  }
}

function inUse(dir: string, info: LockInfo): Error {
  const where = info.hostname !== os.hostname() ? ` on host ${info.hostname}` : '';
  return Object.assign(new Error(`data dir ${dir} is in use by another AuthPlane process (pid ${info.pid}${where}, started ${info.started_at}). Stop it, or pass a different --data-dir.`), { holder: info });
}

export function parseLock(text: string): LockInfo | undefined {
  try {
    const v = JSON.parse(text) as Partial<LockInfo> | null;
    if (v && Number.isInteger(v.pid) && typeof v.started_at === 'string' && typeof v.hostname === 'string') return v as LockInfo;
  } catch {
    /* garbage: treated as stale */
  }
  return undefined;
}

async function readRaw(file: string): Promise<string | undefined> {
  try {
    return await fsp.readFile(file, 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw storageError(file, 'read', err);
  }
}

/** Creates `file` with `content` only if it does not exist; false if it does. */
async function createExclusive(file: string, content: string): Promise<boolean> {
  const tmp = tempPathFor(file);
  try {
    await atomicWriteFile(tmp, content, { durability: 'fsync', mode: FILE_MODE });
    try {
      await fsp.link(tmp, file);
      return true;
    } catch (err) {
      const code = errnoCode(err);
      if (code === 'EEXIST') return false;
      // File systems without hard links (FAT, some network shares): O_EXCL create, then write.
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EXDEV') throw err;
      return await createWithOExcl(file, content);
    }
  } catch (err) {
    throw storageError(file, 'create', err);
  } finally {
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
  }
}

async function createWithOExcl(file: string, content: string): Promise<boolean> {
  let fh;
  try {
    fh = await fsp.open(file, 'wx', FILE_MODE);
  } catch (err) {
    if (errnoCode(err) === 'EEXIST') return false;
    throw err;
  }
  try {
    await fh.writeFile(content);
    await fh.sync();
  } finally {
    await fh.close();
  }
  return true;
}

/**
 * Replaces a stale lock. Two processes may find the same stale lock: a short-lived
 * `server.lock.takeover` file lets only one replace it, and the replacement happens only if the
 * lock still holds exactly what we judged stale. The guard names its owner (it appears with its
 * content, like the lock): a process killed while holding it would otherwise block every start
 * for RECOVERY_STALE_MS, so a guard whose owner is dead is cleared at once.
 */
async function takeOver(file: string, staleContent: string, content: string): Promise<boolean> {
  const guard = `${file}.takeover`;
  if (!(await createExclusive(guard, content))) {
    await clearAbandonedGuard(guard);
    return false;
  }
  try {
    if ((await readRaw(file)) !== staleContent) return false;
    await atomicWriteFile(file, content, { durability: 'fsync' });
    return true;
  } finally {
    await fsp.rm(guard, { force: true }).catch(() => undefined);
  }
}

/** Removes a takeover guard left by a dead process (or unreadable and old); otherwise waits a moment. */
async function clearAbandonedGuard(guard: string): Promise<void> {
  const text = await readRaw(guard).catch(() => undefined);
  const owner = text === undefined ? undefined : parseLock(text);
  const st = await fsp.stat(guard).catch(() => undefined);
  const old = st !== undefined && Date.now() - st.mtimeMs > RECOVERY_STALE_MS;
  // A guard of this process belongs to a concurrent acquirer here, alive by definition.
  const dead = owner !== undefined && owner.pid !== process.pid && !isLive(owner);
  if (st && (old || dead)) await fsp.rm(guard, { force: true }).catch(() => undefined);
  else await new Promise((r) => setTimeout(r, 50));
}
