/**
 * Opening a data dir with no server, as the server itself would: the data dir checked (created
 * if missing, trusted, writable) and locked, so a server cannot start half-way through. The lock
 * is held until what was opened closes, and released at once if opening fails.
 */
export async function openLocked<T extends { close(): Promise<void> }>(dataDir: string, open: () => Promise<T>): Promise<T> {
  const [{ acquireDataDirLock }, { ensureDataDir }] = await Promise.all([import('../store/lock'), import('../store/secrets')]);
  await ensureDataDir(dataDir);
  const lock = await acquireDataDirLock(dataDir);
  let opened: T;
  try {
    opened = await open();
  } catch (err) {
    await lock.release().catch(() => undefined);
    throw err;
  }
  const close = opened.close.bind(opened);
  opened.close = async () => {
    try {
      await close();
    } finally {
      await lock.release();
    }
  };
  return opened;
}
