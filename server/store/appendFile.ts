/**
 * An append-only file written at positions we track ourselves, so a failed or partial write
 * (disk full half-way through a line) never leaves garbage in front of the next good line:
 * the next append first cuts the file back to the last durable byte.
 */
import { closeSync, fdatasync, openSync, promises as fsp, readSync, writeSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { type Durability, FILE_MODE, storageError } from './fsio';

/**
 * `length` bytes at `position`, read synchronously: for a family row (familySidecar.ts), a line the
 * page cache almost always holds. That costs ~1.5 µs; through the thread pool ~18 µs, and the
 * refresh's append then misses the group commit of the requests that arrived with it.
 */
function readAtSync(fd: number, file: string, position: number, length: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  let done = 0;
  try {
    while (done < length) {
      const n = readSync(fd, buf, done, length - done, position + done);
      if (n === 0) break;
      done += n;
    }
  } catch (err) {
    throw storageError(file, 'read', err);
  }
  return done === length ? buf : buf.subarray(0, done);
}

const datasync = (fd: number) => new Promise<void>((resolve, reject) => fdatasync(fd, (err) => (err ? reject(err) : resolve())));

export class AppendFile {
  /** Bytes acknowledged to callers (durable); anything past is an unacknowledged leftover. */
  private end: number;
  private dirty = false;
  /** Bytes were written since the last fdatasync. */
  private unsynced = false;
  private closed = false;

  private constructor(
    readonly file: string,
    private fh: FileHandle,
    size: number,
    private readonly durability: Durability,
  ) {
    this.end = size;
  }

  /**
   * Opens (creating if missing) with the valid length already known (after a replay cut a torn
   * tail away) or, when omitted, the current file size.
   */
  static async open(file: string, durability: Durability, validSize?: number): Promise<AppendFile> {
    let fh: FileHandle | undefined;
    try {
      // O_APPEND would ignore our positions: create with 'a', then reopen read-write.
      await (await fsp.open(file, 'a', FILE_MODE)).close();
      fh = await fsp.open(file, 'r+');
      const size = validSize ?? (await fh.stat()).size;
      return new AppendFile(file, fh, size, durability);
    } catch (err) {
      await fh?.close().catch(() => undefined);
      throw storageError(file, 'open', err);
    }
  }

  get size(): number {
    return this.end;
  }

  /** Appends `buf` and (unless durability 'os') fdatasyncs; returns the offset it was written at. */
  async append(buf: Uint8Array): Promise<number> {
    if (this.closed) throw storageError(this.file, 'append to', Object.assign(new Error('closed'), { code: 'EBADF' }));
    const at = this.end;
    try {
      if (this.dirty) {
        await this.fh.truncate(at);
        this.dirty = false;
      }
      // The write goes to the page cache synchronously (a few µs for a batch of lines): one thread
      // hand-off per commit (the fdatasync) instead of two, which is most of a small append's cost.
      for (let done = 0; done < buf.length; ) {
        const n = writeSync(this.fh.fd, buf, done, buf.length - done, at + done);
        if (n <= 0) throw Object.assign(new Error('short write'), { code: 'EIO' });
        done += n;
      }
      if (buf.length > 0) this.unsynced = true;
      await this.sync();
    } catch (err) {
      // Some bytes may have landed past `end`: cut them off before the next append.
      this.dirty = true;
      throw storageError(this.file, 'append to', err);
    }
    this.end = at + buf.length;
    return at;
  }

  /**
   * Makes every append so far durable (a no-op with durability 'os' or nothing unsynced). `force`
   * syncs anyway: bytes a previous process wrote may still be only in the page cache.
   */
  async sync(force = false): Promise<void> {
    if ((!this.unsynced && !force) || this.durability !== 'fsync') return;
    this.unsynced = false;
    try {
      await datasync(this.fh.fd);
    } catch (err) {
      this.unsynced = true;
      throw err;
    }
  }

  /** Reads `length` bytes at `position` (only durable bytes are ever asked for). */
  async read(position: number, length: number): Promise<Buffer> {
    const buf = Buffer.allocUnsafe(length);
    let done = 0;
    try {
      while (done < length) {
        const { bytesRead } = await this.fh.read(buf, done, length - done, position + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
    } catch (err) {
      throw storageError(this.file, 'read', err);
    }
    return done === length ? buf : buf.subarray(0, done);
  }

  /** read(), synchronously (see readAtSync). */
  readSync(position: number, length: number): Buffer {
    if (this.closed) throw storageError(this.file, 'read', Object.assign(new Error('closed'), { code: 'EBADF' }));
    return readAtSync(this.fh.fd, this.file, position, length);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // A failed append's leftovers are cut here too, so a clean shutdown leaves no torn tail.
    if (this.dirty) await this.fh.truncate(this.end).catch(() => undefined);
    await this.fh.close().catch(() => undefined);
  }
}

/** A read-only handle for a sealed segment, opened on first use. */
export class ReadOnlyFile {
  private fh: Promise<FileHandle> | undefined;
  /** The descriptor of readSync(), opened on its first use. */
  private fd: number | undefined;
  private closed = false;
  constructor(readonly file: string) {}

  /** read(), synchronously (see readAtSync). */
  readSync(position: number, length: number): Buffer {
    if (this.closed) throw storageError(this.file, 'read', Object.assign(new Error('closed'), { code: 'EBADF' }));
    try {
      this.fd ??= openSync(this.file, 'r');
    } catch (err) {
      throw storageError(this.file, 'open', err);
    }
    return readAtSync(this.fd, this.file, position, length);
  }

  async read(position: number, length: number): Promise<Buffer> {
    if (this.closed) throw storageError(this.file, 'read', Object.assign(new Error('closed'), { code: 'EBADF' }));
    this.fh ??= fsp.open(this.file, 'r');
    const buf = Buffer.allocUnsafe(length);
    let done = 0;
    try {
      const fh = await this.fh;
      while (done < length) {
        const { bytesRead } = await fh.read(buf, done, length - done, position + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
    } catch (err) {
      this.fh = undefined;
      throw storageError(this.file, 'read', err);
    }
    return done === length ? buf : buf.subarray(0, done);
  }

  async close(): Promise<void> {
    this.closed = true;
    const fd = this.fd;
    this.fd = undefined;
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // Closing a read-only descriptor loses nothing.
      }
    }
    const fh = this.fh;
    this.fh = undefined;
    if (fh) await (await fh.catch(() => undefined))?.close().catch(() => undefined);
  }
}
