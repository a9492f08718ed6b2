/**
 * Who can reach the server at all: it binds 127.0.0.1 unless told otherwise; any other
 * interface needs --allow-remote and prints a warning; a host name that merely looks like
 * loopback is not loopback. Even when exposed, the host guard answers only the issuer's host.
 */
import net from 'node:net';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, cliEnv, removeBuild, runCli, startServe, tempDir, type ServeProcess } from '../cli/helpers';
import { request } from '../reliability/lib/http';

let cli: string;
let env: NodeJS.ProcessEnv;
const running: ServeProcess[] = [];
beforeAll(async () => {
  cli = await buildCli();
  env = cliEnv(await tempDir('authplane-bind-home-'));
});
afterAll(async () => {
  for (const s of running) await s.stop('SIGKILL');
  if (cli) await removeBuild(cli);
});

/** The first non-loopback IPv4 address of this machine, if any. */
const lanAddress = Object.values(os.networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

const connects = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect(port, host);
    s.setTimeout(2000, () => (s.destroy(), resolve(false)));
    s.on('connect', () => (s.destroy(), resolve(true)));
    s.on('error', () => resolve(false));
  });

describe('binding', () => {
  it('binds 127.0.0.1 by default: not reachable on the machine’s other addresses', async () => {
    const s = await startServe(cli, ['--port', '0', '--data-dir', await tempDir()], env);
    running.push(s);
    const port = Number(new URL(s.issuer).port);
    expect(s.issuer).toBe(`http://127.0.0.1:${port}`);
    expect(await connects('127.0.0.1', port)).toBe(true);
    if (lanAddress) expect(await connects(lanAddress, port)).toBe(false);
    expect(s.stderr()).not.toMatch(/reachable from other machines/);
    expect(await s.stop()).toBe(0);
  });

  it('refuses another interface without --allow-remote, with one line saying how', async () => {
    for (const host of ['0.0.0.0', '::', lanAddress ?? '192.0.2.1']) {
      const r = await runCli(cli, ['serve', '--port', '0', '--host', host, '--data-dir', await tempDir()], { env });
      expect(r.code, host).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`authserver serve: refusing to bind ${host}: AuthPlane is a development server; pass --allow-remote to expose it beyond this machine\n`);
    }
  });

  it('does not take a name that merely looks like loopback for loopback (127.evil.example)', async () => {
    for (const host of ['127.evil.example', '127.0.0.1.nip.io']) {
      const r = await runCli(cli, ['serve', '--port', '0', '--host', host, '--data-dir', await tempDir()], { env });
      expect(r.code, host).toBe(1);
      expect(r.stderr, host).toContain(`refusing to bind ${host}`);
    }
  });

  it('with --allow-remote it binds and warns; the host guard still answers only the issuer host', async () => {
    const s = await startServe(cli, ['--port', '0', '--host', '0.0.0.0', '--allow-remote', '--data-dir', await tempDir()], env);
    running.push(s);
    expect(s.stderr()).toMatch(/binding 0\.0\.0\.0: AuthPlane is reachable from other machines\. It is a development server; do not expose it to networks you do not trust\./);
    const port = Number(new URL(s.issuer).port);
    if (lanAddress) {
      expect(await connects(lanAddress, port)).toBe(true);
      // Reached by its LAN address, it refuses: the issuer is http://127.0.0.1:<port> (pass --issuer to serve a LAN name).
      const r = await request(`http://${lanAddress}:${port}/.well-known/oauth-authorization-server`);
      expect(r.status).toBe(421);
    }
    expect(await s.stop()).toBe(0);
  });
});
