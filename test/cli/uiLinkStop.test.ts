/**
 * `authserver stop` stops the server of one data dir and no other; `authserver ui-link` prints a
 * fresh sign-in link for the running server (the way back from a used link).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, cliEnv, removeBuild, runCli, startServe, tempDir, type ServeProcess } from './helpers';

let cli: string;
let home: string;
const started: ServeProcess[] = [];

beforeAll(async () => {
  cli = await buildCli();
  home = await tempDir();
});
afterAll(async () => {
  for (const s of started) await s.stop();
  await removeBuild(cli);
});

async function serve(dir: string): Promise<ServeProcess> {
  const s = await startServe(cli, ['--port', '0', '--data-dir', dir, '--log-level', 'silent'], cliEnv(home));
  started.push(s);
  return s;
}

describe('authserver stop', () => {
  it('stops only the server of its data dir', async () => {
    const [dirA, dirB] = [await tempDir(), await tempDir()];
    const a = await serve(dirA);
    const b = await serve(dirB);
    const r = await runCli(cli, ['stop', '--data-dir', dirA], { env: cliEnv(home), timeoutMs: 40_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`stopped the AuthPlane server on ${a.issuer} (pid ${a.child.pid}, data dir ${dirA})\n`);
    expect(await a.exited).toBe(0);
    // The other server still answers.
    expect((await fetch(`${b.issuer}/.well-known/oauth-authorization-server`)).status).toBe(200);
    expect(b.child.exitCode).toBeNull();
  });

  it('says so when nothing runs on the data dir', async () => {
    const dir = join(await tempDir(), 'nothing-here');
    const r = await runCli(cli, ['stop', '--data-dir', dir], { env: cliEnv(home) });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`authserver stop: no AuthPlane server is running on the data dir ${dir} (start one with \`authserver serve --data-dir ${dir}\`)\n`);
  });
});

describe('authserver ui-link', () => {
  it('prints a fresh one-time sign-in link that signs the browser in', async () => {
    const dir = await tempDir();
    const s = await serve(dir);
    const r = await runCli(cli, ['ui-link', '--data-dir', dir], { env: cliEnv(home) });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const link = /^UI: (\S+)\n$/.exec(r.stdout)?.[1];
    expect(link).toMatch(new RegExp(`^${s.issuer.replace(/[.]/g, '\\.')}/ui/\\?token=`));
    const first = await fetch(link!, { redirect: 'manual' });
    expect(first.status).toBe(303);
    expect(first.headers.get('set-cookie')).toMatch(/authplane/i);
    // One time only: the second use is the "used sign-in link" page.
    const again = await fetch(link!, { redirect: 'manual' });
    expect(again.headers.get('location')).toBe('/ui/?login=used');
    const json = await runCli(cli, ['ui-link', '--data-dir', dir, '--json'], { env: cliEnv(home) });
    expect(JSON.parse(json.stdout).url).toMatch(/\/ui\/\?token=/);
  });

  it('says so when nothing runs on the data dir', async () => {
    const dir = await tempDir();
    const r = await runCli(cli, ['ui-link', '--data-dir', dir], { env: cliEnv(home) });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`authserver ui-link: no AuthPlane server is running on the data dir ${dir} (start one with \`authserver serve --data-dir ${dir}\`)\n`);
  });
});
