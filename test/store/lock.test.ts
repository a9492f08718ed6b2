import { spawn } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireDataDirLock } from '../../server/store/lock';
import { useTempDirs } from './helpers';

const tempDir = useTempDirs();

/** A pid that certainly belonged to a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((r) => child.on('exit', r));
  return child.pid!;
}

describe('data dir lock', () => {
  it('lets one holder in and tells the second who holds it', async () => {
    const dir = tempDir();
    const lock = await acquireDataDirLock(dir);
    const held = JSON.parse(await fsp.readFile(path.join(dir, 'server.lock'), 'utf8'));
    expect(held).toMatchObject({ pid: process.pid, hostname: os.hostname() });
    const err = await acquireDataDirLock(dir).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toBe(
      `data dir ${path.resolve(dir)} is in use by another AuthPlane process (pid ${process.pid}, started ${held.started_at}). Stop it, or pass a different --data-dir.`,
    );
    await lock.release();
    await lock.release(); // idempotent
    await expect(fsp.access(path.join(dir, 'server.lock'))).rejects.toThrow();
    const next = await acquireDataDirLock(dir);
    await next.release();
  });

  it('refuses while another live process holds it', async () => {
    const dir = tempDir();
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      await new Promise((r) => child.once('spawn', r));
      const startedAt = new Date().toISOString();
      await fsp.writeFile(path.join(dir, 'server.lock'), JSON.stringify({ pid: child.pid, started_at: startedAt, hostname: os.hostname() }));
      await expect(acquireDataDirLock(dir)).rejects.toThrow(`(pid ${child.pid}, started ${startedAt}). Stop it, or pass a different --data-dir.`);
    } finally {
      child.kill();
    }
  });

  it('takes over a lock whose pid now belongs to a process that started after the lock (pid reuse)', async () => {
    const dir = tempDir();
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      await new Promise((r) => child.once('spawn', r));
      await fsp.writeFile(path.join(dir, 'server.lock'), JSON.stringify({ pid: child.pid, started_at: '2026-01-01T00:00:00.000Z', hostname: os.hostname() }));
      const lock = await acquireDataDirLock(dir);
      expect(JSON.parse(await fsp.readFile(path.join(dir, 'server.lock'), 'utf8')).pid).toBe(process.pid);
      await lock.release();
    } finally {
      child.kill();
    }
  });

  it('takes over a lock whose process is dead', async () => {
    const dir = tempDir();
    const pid = await deadPid();
    await fsp.writeFile(path.join(dir, 'server.lock'), JSON.stringify({ pid, started_at: '2026-01-01T00:00:00.000Z', hostname: os.hostname() }));
    const lock = await acquireDataDirLock(dir);
    expect(JSON.parse(await fsp.readFile(path.join(dir, 'server.lock'), 'utf8')).pid).toBe(process.pid);
    await lock.release();
  });

  it('takes over a garbage lock file left by a crash', async () => {
    const dir = tempDir();
    await fsp.writeFile(path.join(dir, 'server.lock'), '{"pid": 12');
    const lock = await acquireDataDirLock(dir);
    expect(JSON.parse(await fsp.readFile(path.join(dir, 'server.lock'), 'utf8')).pid).toBe(process.pid);
    await lock.release();
  });

  it('takes over a lock of an earlier process that had our pid (containers reuse pids)', async () => {
    const dir = tempDir();
    await fsp.writeFile(path.join(dir, 'server.lock'), JSON.stringify({ pid: process.pid, started_at: '2020-01-01T00:00:00.000Z', hostname: os.hostname(), token: 'old' }));
    const lock = await acquireDataDirLock(dir);
    await lock.release();
  });

  it('release leaves a lock that is no longer ours alone', async () => {
    const dir = tempDir();
    const lock = await acquireDataDirLock(dir);
    const other = JSON.stringify({ pid: 1, started_at: 'x', hostname: 'elsewhere' });
    await fsp.writeFile(path.join(dir, 'server.lock'), other);
    await lock.release();
    expect(await fsp.readFile(path.join(dir, 'server.lock'), 'utf8')).toBe(other);
  });

  it('only one of many concurrent acquirers wins', async () => {
    const dir = tempDir();
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => acquireDataDirLock(dir)));
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    await (won[0] as PromiseFulfilledResult<{ release(): Promise<void> }>).value.release();
  });
  it('is not blocked by the takeover guard of a process killed while taking over a stale lock', async () => {
    const dir = tempDir();
    const dead = await deadPid();
    const stale = JSON.stringify({ pid: dead, started_at: new Date().toISOString(), hostname: os.hostname(), token: 'a' });
    await fsp.writeFile(path.join(dir, 'server.lock'), stale);
    // The killed process had created its guard a moment ago (well inside the 10 s age rule).
    await fsp.writeFile(path.join(dir, 'server.lock.takeover'), JSON.stringify({ pid: dead, started_at: new Date().toISOString(), hostname: os.hostname(), token: 'b' }));
    const lock = await acquireDataDirLock(dir);
    expect(JSON.parse(await fsp.readFile(path.join(dir, 'server.lock'), 'utf8')).pid).toBe(process.pid);
    await expect(fsp.access(path.join(dir, 'server.lock.takeover'))).rejects.toThrow();
    await lock.release();
  });

  it('waits for the takeover guard of a live process', async () => {
    const dir = tempDir();
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      await new Promise((r) => child.once('spawn', r));
      const dead = await deadPid();
      await fsp.writeFile(path.join(dir, 'server.lock'), JSON.stringify({ pid: dead, started_at: new Date().toISOString(), hostname: os.hostname() }));
      await fsp.writeFile(path.join(dir, 'server.lock.takeover'), JSON.stringify({ pid: child.pid, started_at: new Date().toISOString(), hostname: os.hostname(), token: 'c' }));
      await expect(acquireDataDirLock(dir)).rejects.toThrow('it keeps changing; another AuthPlane process is starting at the same time');
      expect(JSON.parse(await fsp.readFile(path.join(dir, 'server.lock.takeover'), 'utf8')).pid).toBe(child.pid);
    } finally {
      child.kill();
    }
  });
});
