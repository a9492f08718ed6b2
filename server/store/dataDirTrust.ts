/**
 * A data dir is only as trustworthy as it is private: keys.json holds the signing key, admin-token
 * the keys to the admin API. So before anything is read, the dir and every file AuthPlane keeps in
 * it must belong to this user and be writable by nobody else (a planted keys.json would make the
 * server sign with an attacker's key); a readable-by-others file is tightened with a warning; a
 * symbolic link is refused (writing or chmod-ing through it would touch another file).
 *
 * POSIX only: on Windows the default data dir under %APPDATA% is private through its ACL.
 */
import { promises as fsp, type Stats } from 'node:fs';
import path from 'node:path';
import { StorageError } from '../errors';
import { DIR_MODE, errnoCode, FILE_MODE, storageError } from './fsio';

/** Every name AuthPlane itself keeps at the top of a data dir (see store/index.ts; families.jsonl: an old data dir's, read once to move it into the token log). */
const DATA_FILES = ['keys.json', 'admin-token', 'clients.json', 'users.json', 'resources.json', 'consents.json', 'families.jsonl', 'server.json', 'server.lock'];
const DATA_DIRS = ['issuances', 'audit'];

const octal = (mode: number): string => (mode & 0o777).toString(8).padStart(4, '0');

/**
 * Refuses (StorageError) a dir or data file owned by another user, writable by group or others,
 * or (for files) a symbolic link; tightens what others can read and reports it through `warn`.
 */
export async function checkDataDirTrust(dir: string, warn: (message: string) => void): Promise<void> {
  const uid = process.getuid?.();
  if (uid === undefined) return;
  // The dir itself may be a link the user made (a data dir on another disk): judge its target.
  await judge(dir, await fsp.stat(dir), uid, DIR_MODE, warn);
  const entries = [...DATA_FILES, ...DATA_DIRS].map((name) => path.join(dir, name));
  for (const sub of DATA_DIRS) entries.push(...(await listDir(path.join(dir, sub))));
  for (const entry of entries) {
    const st = await lstatIfExists(entry);
    if (!st) continue;
    if (st.isSymbolicLink()) {
      throw new StorageError(entry, `${entry} is a symbolic link. AuthPlane never follows links for its data files (writing through one would change another file). Replace it with the file itself, or move it away.`);
    }
    await judge(entry, st, uid, st.isDirectory() ? DIR_MODE : FILE_MODE, warn);
  }
}

async function judge(file: string, st: Stats, uid: number, privateMode: number, warn: (message: string) => void): Promise<void> {
  const what = st.isDirectory() ? 'directory' : 'file';
  if (st.uid !== uid) {
    throw new StorageError(file, `the ${what} ${file} belongs to another user (uid ${st.uid}, this process runs as uid ${uid}); it could hold a key or token planted by them. Use a data dir of your own (--data-dir).`);
  }
  if ((st.mode & 0o022) !== 0) {
    throw new StorageError(file, `the ${what} ${file} is writable by other users (mode ${octal(st.mode)}): anyone could have planted a signing key or token in it. Check its contents, run \`chmod ${octal(privateMode)} ${file}\`, then start again.`);
  }
  if ((st.mode & 0o077) !== 0) {
    try {
      await fsp.chmod(file, privateMode);
    } catch (err) {
      throw storageError(file, 'restrict the permissions of', err);
    }
    warn(`the ${what} ${file} was readable by other users (mode ${octal(st.mode)}); its mode is now ${octal(privateMode)}.`);
  }
}

async function lstatIfExists(file: string): Promise<Stats | undefined> {
  try {
    return await fsp.lstat(file);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw storageError(file, 'inspect', err);
  }
}

async function listDir(dir: string): Promise<string[]> {
  const st = await lstatIfExists(dir);
  if (!st?.isDirectory()) return [];
  return (await fsp.readdir(dir)).map((name) => path.join(dir, name));
}
