/**
 * The data dir itself and the admin token that guards the admin API.
 *
 * `admin-token`: 32 random bytes, base64url, mode 0600. Anyone who can read it can administer
 * the server, so a file found with looser permissions is tightened on POSIX.
 */
import { randomBytes } from 'node:crypto';
import { constants, promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { StorageError } from '../errors';
import { checkDataDirTrust } from './dataDirTrust';
import { atomicWriteFile, describeFsError, DIR_MODE, errnoCode, FILE_MODE, storageError, tempPathFor } from './fsio';

export const ADMIN_TOKEN_FILE = 'admin-token';

/**
 * mkdir -p with mode 0700, refuses a dir that is not private (dataDirTrust.ts), then proves the
 * dir is writable by creating and removing a probe file (access(W_OK) lies for root and on some
 * network file systems). Returns the absolute path.
 */
export async function ensureDataDir(dataDir: string, warn: (message: string) => void = (m) => console.warn(`authplane: ${m}`)): Promise<string> {
  const dir = path.resolve(dataDir);
  try {
    await fsp.mkdir(dir, { recursive: true, mode: DIR_MODE });
  } catch (err) {
    // mkdir -p on an existing file says EEXIST; the stat below words that better.
    if (errnoCode(err) !== 'EEXIST') {
      const reason = await mkdirFailure(dir, err);
      throw new StorageError(dir, `cannot create the data dir ${dir}: ${describeFsError(reason)}. Pass a different --data-dir (or set AUTHPLANE_DATA_DIR).`, { cause: reason });
    }
  }
  const st = await fsp.stat(dir);
  if (!st.isDirectory()) throw new StorageError(dir, `the data dir ${dir} is not a directory. Pass a different --data-dir (or set AUTHPLANE_DATA_DIR).`);
  await checkDataDirTrust(dir, warn);
  const probe = path.join(dir, `.write-test-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await fsp.writeFile(probe, '', { flag: 'wx', mode: FILE_MODE });
  } catch (err) {
    throw new StorageError(dir, `the data dir ${dir} is not writable: ${describeFsError(err)}. Fix its permissions, or pass a different --data-dir.`, { cause: err });
  } finally {
    await fsp.rm(probe, { force: true }).catch(() => undefined);
  }
  return dir;
}

/**
 * Node's recursive mkdir reports ENOENT for whatever stopped it below an existing ancestor (a
 * read-only file system, no permission): create the first missing level alone to learn why.
 */
async function mkdirFailure(dir: string, err: unknown): Promise<unknown> {
  if (errnoCode(err) !== 'ENOENT') return err;
  let first = dir;
  while (path.dirname(first) !== first && !(await fsp.stat(path.dirname(first)).then(() => true, () => false))) first = path.dirname(first);
  try {
    await fsp.mkdir(first, { mode: DIR_MODE });
    await fsp.rmdir(first).catch(() => undefined);
  } catch (real) {
    return real;
  }
  return err;
}

/** Reads `admin-token` (tightening its mode to 0600), or creates it on first start. */
export async function loadOrCreateAdminToken(dataDir: string): Promise<string> {
  const file = path.join(path.resolve(dataDir), ADMIN_TOKEN_FILE);
  const existing = await readToken(file);
  if (existing) return existing;
  const token = randomBytes(32).toString('base64url');
  if (existing === '') {
    // An empty file (a crash before its content was written): nothing to preserve, replace it.
    await atomicWriteFile(file, token + '\n', { durability: 'fsync' });
    return token;
  }
  // Two processes starting together must end up with the same token: create exclusively (link).
  const tmp = tempPathFor(file);
  try {
    await atomicWriteFile(tmp, token + '\n', { durability: 'fsync' });
    await fsp.link(tmp, file);
    return token;
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'EEXIST') return (await readToken(file)) || token;
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS') {
      await atomicWriteFile(file, token + '\n', { durability: 'fsync' });
      return token;
    }
    throw storageError(file, 'create', err);
  } finally {
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
  }
}

/** The admin token if the data dir has one (never creates it), else undefined. */
export async function readAdminToken(dataDir: string): Promise<string | undefined> {
  return (await readToken(path.join(path.resolve(dataDir), ADMIN_TOKEN_FILE))) || undefined;
}

/** The token, '' for an empty file, undefined when there is no file. Never follows a link. */
async function readToken(file: string): Promise<string | undefined> {
  let fh: FileHandle;
  try {
    fh = await fsp.open(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    if (errnoCode(err) === 'ELOOP') throw new StorageError(file, `${file} is a symbolic link; AuthPlane reads its admin token only from the file itself. Replace the link with the file.`);
    throw storageError(file, 'read', err);
  }
  try {
    // Tighten through the handle: a path could have been swapped for a link since it was opened.
    if (process.platform !== 'win32' && ((await fh.stat()).mode & 0o077) !== 0) await fh.chmod(FILE_MODE).catch((err) => Promise.reject(storageError(file, 'restrict the permissions of', err)));
    return (await fh.readFile('utf8')).trim();
  } catch (err) {
    throw storageError(file, 'read', err);
  } finally {
    await fh.close().catch(() => undefined);
  }
}
