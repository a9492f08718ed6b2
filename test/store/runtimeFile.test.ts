import { spawn } from 'node:child_process';
import { promises as fsp, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRunningServer, readRuntimeFile, removeRuntimeFile, writeRuntimeFile } from '../../server/store/runtimeFile';
import { useTempDirs } from './helpers';

const tempDir = useTempDirs();

describe('server.json', () => {
  it('is written 0600, found while the pid lives, and removed by its owner', async () => {
    const dir = tempDir();
    expect(await readRunningServer(dir)).toBeUndefined();
    const info = { pid: process.pid, url: 'http://127.0.0.1:9000', adminUrl: 'http://127.0.0.1:9000/admin', started_at: '2026-01-01T00:00:00.000Z' };
    await writeRuntimeFile(dir, info);
    if (process.platform !== 'win32') expect(statSync(path.join(dir, 'server.json')).mode & 0o777).toBe(0o600);
    expect(await readRunningServer(dir)).toEqual(info);
    await removeRuntimeFile(dir);
    expect(await readRuntimeFile(dir)).toBeUndefined();
  });

  it('ignores a file whose process is gone, and garbage', async () => {
    const dir = tempDir();
    const child = spawn(process.execPath, ['-e', '']);
    await new Promise((r) => child.on('exit', r));
    await writeRuntimeFile(dir, { pid: child.pid!, url: 'http://127.0.0.1:1', started_at: '2026-01-01T00:00:00.000Z' });
    expect(await readRuntimeFile(dir)).toBeDefined();
    expect(await readRunningServer(dir)).toBeUndefined();
    await fsp.writeFile(path.join(dir, 'server.json'), '{"pid":');
    expect(await readRunningServer(dir)).toBeUndefined();
  });

  it('does not remove another server’s file', async () => {
    const dir = tempDir();
    await writeRuntimeFile(dir, { pid: 999_999, url: 'http://x', started_at: 'now' });
    await removeRuntimeFile(dir);
    expect((await readRuntimeFile(dir))?.pid).toBe(999_999);
  });
});
