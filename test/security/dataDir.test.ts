/**
 * The data dir is trusted only when it is private (server/store/dataDirTrust.ts): attacked through
 * the real `authserver serve` and the offline admin CLI, with real files and modes.
 */
import { chmod, chown, mkdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, cliEnv, removeBuild, runCli, startServe, tempDir } from '../cli/helpers';

const posix = process.platform !== 'win32';
let cli: string;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  cli = await buildCli();
  env = cliEnv(await tempDir('authplane-datadir-home-'));
});
afterAll(async () => {
  if (cli) await removeBuild(cli);
});

const mode = async (file: string) => (await stat(file)).mode & 0o777;

/** A data dir a real server has written (keys.json, admin-token, tables), then stopped. */
async function usedDataDir(): Promise<string> {
  const dir = join(await tempDir(), 'data');
  const s = await startServe(cli, ['--port', '0', '--data-dir', dir], env);
  expect(await s.stop()).toBe(0);
  return dir;
}

async function refusedStart(dir: string): Promise<string> {
  const r = await runCli(cli, ['serve', '--port', '0', '--data-dir', dir], { env });
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  return r.stderr;
}

describe.runIf(posix)('the data dir is trusted only when private', () => {
  it('tightens a readable-by-others dir and keys.json to 0700/0600, with a warning each, and starts', async () => {
    const dir = await usedDataDir();
    await chmod(dir, 0o755);
    await chmod(join(dir, 'keys.json'), 0o644);
    const s = await startServe(cli, ['--port', '0', '--data-dir', dir], env);
    expect(await s.stop()).toBe(0);
    expect(s.stderr()).toContain(`the directory ${dir} was readable by other users (mode 0755); its mode is now 0700.`);
    expect(s.stderr()).toContain(`the file ${join(dir, 'keys.json')} was readable by other users (mode 0644); its mode is now 0600.`);
    expect(await mode(dir)).toBe(0o700);
    expect(await mode(join(dir, 'keys.json'))).toBe(0o600);
  });

  it('refuses a world-writable users.json, naming the file and the fix, and leaves it as it was', async () => {
    const dir = await usedDataDir();
    const users = join(dir, 'users.json');
    await chmod(users, 0o666);
    const before = await readFile(users, 'utf8');
    const stderr = await refusedStart(dir);
    expect(stderr).toContain(`the file ${users} is writable by other users (mode 0666): anyone could have planted a signing key or token in it. Check its contents, run \`chmod 0600 ${users}\`, then start again.`);
    expect(await mode(users)).toBe(0o666);
    expect(await readFile(users, 'utf8')).toBe(before);
  });

  it('refuses a world-writable dir with a planted keys.json (never signs with the planted key)', async () => {
    const victim = await usedDataDir();
    const planted = join(await tempDir(), 'shared');
    await mkdir(planted);
    await writeFile(join(planted, 'keys.json'), await readFile(join(victim, 'keys.json')), { mode: 0o600 });
    await chmod(planted, 0o777);
    const stderr = await refusedStart(planted);
    expect(stderr).toContain(`the directory ${planted} is writable by other users (mode 0777)`);
    // Nothing was written into it: no admin token, no lock, no runtime file.
    for (const name of ['admin-token', 'server.lock', 'server.json']) await expect(stat(join(planted, name))).rejects.toThrow(/ENOENT/);
  });

  it("refuses a dir owned by another user, before reading anything in it", async () => {
    let dir: string;
    if (process.getuid?.() === 0) {
      dir = await usedDataDir();
      await chown(dir, 65534, 65534);
      await chmod(dir, 0o700);
    } else {
      dir = tmpdir(); // owned by root on every POSIX system, and not by this user
    }
    const owner = (await stat(dir)).uid;
    expect(owner).not.toBe(process.getuid?.());
    const stderr = await refusedStart(dir);
    expect(stderr).toContain(`the directory ${dir} belongs to another user (uid ${owner}`);
  });

  it('refuses an admin-token symlink and never chmods its target', async () => {
    const dir = await usedDataDir();
    const target = join(await tempDir(), 'elsewhere.txt');
    await writeFile(target, 'not yours\n');
    await chmod(target, 0o644);
    await rm(join(dir, 'admin-token'));
    await symlink(target, join(dir, 'admin-token'));
    const stderr = await refusedStart(dir);
    expect(stderr).toContain(`${join(dir, 'admin-token')} is a symbolic link. AuthPlane never follows links for its data files`);
    expect(await mode(target)).toBe(0o644);
    expect(await readFile(target, 'utf8')).toBe('not yours\n');
  });

  it('refuses a keys.json symlink in the offline admin CLI too', async () => {
    const dir = await usedDataDir();
    const target = join(await tempDir(), 'keys-elsewhere.json');
    await writeFile(target, await readFile(join(dir, 'keys.json')), { mode: 0o600 });
    await rm(join(dir, 'keys.json'));
    await symlink(target, join(dir, 'keys.json'));
    const r = await runCli(cli, ['admin', 'key', 'list', '--data-dir', dir], { env });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`${join(dir, 'keys.json')} is a symbolic link`);
  });
});
