/**
 * Low-level file helpers every store file shares: full writes, durable syncs, atomic
 * replacement and plain-words errors. Nothing here knows about rows.
 */
import { constants, promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { StorageError } from '../errors';

export type Durability = 'fsync' | 'os';

/** Data files hold tokens' metadata and private keys: owner-only, always. */
export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

const isWindows = process.platform === 'win32';

const ERRNO_WORDS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'the operation is not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exceeded',
  EFBIG: 'the file would exceed the maximum file size allowed',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'the path is a directory',
  ENOENT: 'the file or its directory does not exist',
  EEXIST: 'the file already exists',
  EIO: 'the disk reported an input/output error',
  EMFILE: 'too many open files in this process',
  ENFILE: 'too many open files on this system',
  EBUSY: 'the file is busy or locked by another program',
  EBADF: 'the file was already closed',
  ENAMETOOLONG: 'the path is too long',
};

export function errnoCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** "the disk is full (ENOSPC)", or the error's own message when the code is unknown. */
export function describeFsError(err: unknown): string {
  const code = errnoCode(err);
  if (code && ERRNO_WORDS[code]) return `${ERRNO_WORDS[code]} (${code})`;
  if (code) return `${(err as Error).message ?? 'unknown error'} (${code})`;
  return err instanceof Error ? err.message : String(err);
}

/** A StorageError naming the file and what went wrong, in words a user can act on. */
export function storageError(file: string, action: string, err: unknown): StorageError {
  if (err instanceof StorageError) return err;
  return new StorageError(file, `could not ${action} ${file}: ${describeFsError(err)}`, { cause: err });
}

/** write() may write less than asked (RLIMIT_FSIZE, signals): loop until everything is out. */
export async function writeFully(fh: FileHandle, buf: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < buf.length) {
    const { bytesWritten } = await fh.write(buf, done, buf.length - done, position + done);
    if (bytesWritten <= 0) throw Object.assign(new Error('short write'), { code: 'EIO' });
    done += bytesWritten;
  }
}

/**
 * Makes a rename or file creation itself durable. Windows cannot open a directory for fsync and
 * NTFS journals renames, so it is skipped there; some file systems reject directory fsync (EINVAL),
 * which means they do not need it.
 */
export async function fsyncDir(dir: string): Promise<void> {
  if (isWindows) return;
  let fh: FileHandle | undefined;
  try {
    fh = await fsp.open(dir, 'r');
    await fh.sync();
  } catch (err) {
    const code = errnoCode(err);
    if (code !== 'EINVAL' && code !== 'ENOTSUP' && code !== 'EISDIR' && code !== 'EPERM') throw err;
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

let tmpSeq = 0;
/** `<file>.tmp-<pid>-<n>`: the pid lets a later start tell a crashed writer's leftovers from a live one's. */
export function tempPathFor(file: string): string {
  return `${file}.tmp-${process.pid}-${++tmpSeq}`;
}
export const TEMP_FILE_RE = /\.tmp-(\d+)-\d+$/;

/** Windows refuses to rename over a file another program (antivirus, indexer) holds open for a moment. */
async function renameWithRetry(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await fsp.rename(from, to);
      return;
    } catch (err) {
      const code = errnoCode(err);
      if (!isWindows || attempt >= 5 || (code !== 'EPERM' && code !== 'EBUSY' && code !== 'EACCES')) throw err;
      await new Promise((r) => setTimeout(r, 20 * (attempt + 1)));
    }
  }
}

/**
 * Replaces `file` so that a crash leaves either the old or the new content, never a mix: write
 * a temp file in the same directory (same file system, so rename is atomic), fsync it, rename
 * it over, fsync the directory so the rename itself survives power loss.
 * Throws a StorageError naming `file`.
 */
export async function atomicWriteFile(file: string, data: string | Uint8Array, opts: { durability: Durability; mode?: number }): Promise<void> {
  const tmp = tempPathFor(file);
  const mode = opts.mode ?? FILE_MODE;
  let fh: FileHandle | undefined;
  try {
    fh = await fsp.open(tmp, 'wx', mode);
    // open()'s mode is filtered by the umask; set it exactly.
    if (!isWindows) await fh.chmod(mode);
    await writeFully(fh, typeof data === 'string' ? Buffer.from(data, 'utf8') : data, 0);
    if (opts.durability === 'fsync') await fh.sync();
    await fh.close();
    fh = undefined;
    await renameWithRetry(tmp, file);
    if (opts.durability === 'fsync') await fsyncDir(path.dirname(file));
  } catch (err) {
    await fh?.close().catch(() => undefined);
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    throw storageError(file, 'write', err);
  }
}

/** True when a process with this pid exists (EPERM: it exists but belongs to another user). */
export function isPidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errnoCode(err) === 'EPERM';
  }
}

/** Removes `<name>.tmp-<pid>-<n>` files left by writers that crashed (their pid is gone). */
export async function removeStaleTempFiles(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return;
  }
  await Promise.all(
    names.map(async (name) => {
      const m = TEMP_FILE_RE.exec(name);
      const pid = Number(m?.[1]);
      // Ours may be in flight; a live pid may be another writer (or a reused pid: harmless to keep).
      if (!m || pid === process.pid || isPidAlive(pid)) return;
      await fsp.rm(path.join(dir, name), { force: true }).catch(() => undefined);
    }),
  );
}

const NO_FOLLOW = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0);

/** A read's error as a StorageError; undefined for ENOENT (the file is simply not there). */
function readFailure(file: string, err: unknown): StorageError | undefined {
  if (errnoCode(err) === 'ENOENT') return undefined;
  if (errnoCode(err) === 'ELOOP') return new StorageError(file, `${file} is a symbolic link; AuthPlane never follows links for its data files. Replace it with the file itself.`, { cause: err });
  return storageError(file, 'read', err);
}

/**
 * Reads a file, or undefined when it does not exist. Other errors are StorageErrors. Never follows
 * a symbolic link: data files are ours alone (dataDirTrust.ts), a link there is someone else's.
 */
export async function readIfExists(file: string): Promise<Buffer | undefined> {
  try {
    return await fsp.readFile(file, { flag: NO_FOLLOW });
  } catch (err) {
    const failure = readFailure(file, err);
    if (failure) throw failure;
    return undefined;
  }
}

/** readIfExists, opened to read in parts (the caller closes it). */
export async function openIfExists(file: string): Promise<FileHandle | undefined> {
  try {
    return await fsp.open(file, NO_FOLLOW);
  } catch (err) {
    const failure = readFailure(file, err);
    if (failure) throw failure;
    return undefined;
  }
}

export async function mkdirPrivate(dir: string): Promise<void> {
  try {
    await fsp.mkdir(dir, { recursive: true, mode: DIR_MODE });
  } catch (err) {
    throw storageError(dir, 'create the directory', err);
  }
}

/** Opens an append-only file for positional writes (we track the end ourselves; see AppendFile). */
export async function openReadWrite(file: string): Promise<FileHandle> {
  try {
    // 'a+' would create it but O_APPEND ignores positions; create first, then reopen r+.
    const created = await fsp.open(file, 'a', FILE_MODE);
    await created.close();
    return await fsp.open(file, 'r+');
  } catch (err) {
    throw storageError(file, 'open', err);
  }
}
