/**
 * One process per data dir: a second `authserver serve` is refused with a message naming the
 * holder; a lock left by a process that died (kill -9) is taken over at the next start.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, removeBuild, tempDir, type ServeProcess } from '../cli/helpers';
import { codeFlow, serve, serveOnce, writeSeed } from './lib/serve';
import { request } from './lib/http';

let cli: string;
let home: string;
const running: ServeProcess[] = [];
beforeAll(async () => {
  cli = await buildCli();
  home = await tempDir('authplane-lock-home-');
});
afterAll(async () => {
  for (const s of running) await s.stop('SIGKILL');
  if (cli) await removeBuild(cli);
});

describe('data dir lock', () => {
  it('refuses a second server on the same data dir with a clear message, and leaves the first one alone', async () => {
    const dir = await tempDir();
    const seed = await writeSeed(dir);
    const data = path.join(dir, 'data');
    const first = await serve(cli, home, data, seed);
    running.push(first);
    const lockBefore = await fsp.readFile(path.join(data, 'server.lock'), 'utf8');
    const second = await serveOnce(cli, home, data, seed);
    expect(second.code).toBe(1);
    expect(second.stdout).toBe('');
    expect(second.stderr).toBe(
      `authserver serve: data dir ${data} is in use by another AuthPlane process (pid ${first.child.pid}, started ${JSON.parse(lockBefore).started_at}). Stop it, or pass a different --data-dir.\n`,
    );
    // The first server still serves, and still holds its lock.
    expect((await request(`${first.issuer}/health`)).status).toBe(200);
    await codeFlow(first.issuer);
    expect(await fsp.readFile(path.join(data, 'server.lock'), 'utf8')).toBe(lockBefore);
    expect(await first.stop('SIGTERM')).toBe(0);
    await expect(fsp.access(path.join(data, 'server.lock'))).rejects.toThrow();
  });

  it('recovers the stale lock of a server killed with SIGKILL', async () => {
    const dir = await tempDir();
    const seed = await writeSeed(dir);
    const data = path.join(dir, 'data');
    const first = await serve(cli, home, data, seed);
    const before = await codeFlow(first.issuer);
    first.child.kill('SIGKILL');
    await first.exited;
    const stale = JSON.parse(await fsp.readFile(path.join(data, 'server.lock'), 'utf8')) as { pid: number };
    expect(stale.pid).toBe(first.child.pid);

    const second = await serve(cli, home, data, seed);
    running.push(second);
    const now = JSON.parse(await fsp.readFile(path.join(data, 'server.lock'), 'utf8')) as { pid: number };
    expect(now.pid).toBe(second.child.pid);
    // Same data: the refresh token from before the crash works.
    const r = await request(`${second.issuer}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: before.refresh_token!, client_id: 'agent' }).toString() });
    expect(r.status).toBe(200);
    expect(await second.stop('SIGTERM')).toBe(0);
  });

  it('recovers a garbage lock file (a crash while it was being replaced)', async () => {
    const dir = await tempDir();
    const seed = await writeSeed(dir);
    const data = path.join(dir, 'data');
    await fsp.mkdir(data, { recursive: true });
    await fsp.writeFile(path.join(data, 'server.lock'), '{"pid": 4');
    const s = await serve(cli, home, data, seed);
    running.push(s);
    expect(JSON.parse(await fsp.readFile(path.join(data, 'server.lock'), 'utf8')).pid).toBe(s.child.pid);
    expect(await s.stop('SIGTERM')).toBe(0);
  });
});
