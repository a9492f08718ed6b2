import { promises as fsp, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StorageError } from '../../server/errors';
import { ensureDataDir, loadOrCreateAdminToken } from '../../server/store/secrets';
import { useTempDirs } from './helpers';

const tempDir = useTempDirs();
const posix = process.platform !== 'win32';

describe('admin token and data dir', () => {
  it('creates a 0600 token of 32 random bytes and returns the same one later', async () => {
    const dir = tempDir();
    const token = await loadOrCreateAdminToken(dir);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    if (posix) expect(statSync(path.join(dir, 'admin-token')).mode & 0o777).toBe(0o600);
    expect(await loadOrCreateAdminToken(dir)).toBe(token);
  });

  it('tightens a token file with looser permissions to 0600', async () => {
    if (!posix) return;
    const dir = tempDir();
    const file = path.join(dir, 'admin-token');
    await fsp.writeFile(file, 'my-ci-token\n', { mode: 0o644 });
    await fsp.chmod(file, 0o644);
    expect(await loadOrCreateAdminToken(dir)).toBe('my-ci-token');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('concurrent first starts agree on one token', async () => {
    const dir = tempDir();
    const tokens = await Promise.all(Array.from({ length: 5 }, () => loadOrCreateAdminToken(dir)));
    expect(new Set(tokens).size).toBe(1);
  });

  it('ensureDataDir creates the dir 0700 and names a dir it cannot use', async () => {
    const parent = tempDir();
    const dir = path.join(parent, 'a', 'b');
    expect(await ensureDataDir(dir)).toBe(dir);
    if (posix) expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(await fsp.readdir(dir)).toEqual([]); // the write probe is gone

    const file = path.join(parent, 'plain-file');
    await fsp.writeFile(file, '');
    const err = await ensureDataDir(path.join(file, 'data')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect((err as Error).message).toContain(path.join(file, 'data'));
    expect((err as Error).message).toMatch(/ENOTDIR|EEXIST|ENOENT/);
    await expect(ensureDataDir(file)).rejects.toThrow(`the data dir ${file} is not a directory`);
  });

  it('ensureDataDir reports a read-only dir (when permissions apply to this user)', async () => {
    if (!posix) return;
    const dir = tempDir();
    await fsp.chmod(dir, 0o500);
    try {
      if (process.getuid?.() === 0) {
        // Root ignores permission bits: the dir stays usable, which is the right answer.
        expect(await ensureDataDir(dir)).toBe(dir);
      } else {
        await expect(ensureDataDir(dir)).rejects.toThrow(`the data dir ${dir} is not writable: permission denied (EACCES)`);
      }
    } finally {
      await fsp.chmod(dir, 0o700);
    }
  });
});
