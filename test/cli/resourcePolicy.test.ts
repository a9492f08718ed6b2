/**
 * `authserver admin resource runtime-client add|remove|list` with the product's output lines,
 * both ways the CLI reaches state: the data dir directly (no server) and a running server's admin
 * API. The same commands give the same lines either way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, cliEnv, removeBuild, runCli, startServe, tempDir, type ServeProcess } from './helpers';

let cli: string;
let env: NodeJS.ProcessEnv;
const running: ServeProcess[] = [];
beforeAll(async () => {
  cli = await buildCli();
  env = cliEnv(await tempDir('authplane-cli-home-'));
}, 60_000);
afterAll(async () => {
  for (const s of running) await s.stop();
  if (cli) await removeBuild(cli);
});

async function exercise(dataDir: string) {
  const cmd = (...args: string[]) => runCli(cli, ['admin', ...args, '--data-dir', dataDir], { env });
  expect(await cmd('resource', 'runtime-client', 'list', '--slug', 'mcp-a')).toMatchObject({ code: 0, stdout: 'slug=mcp-a client_ids=[]\n' });
  expect(await cmd('resource', 'runtime-client', 'add', '--slug', 'mcp-a', '--client-id', 'my-agent')).toMatchObject({ code: 0, stdout: 'runtime client added: slug=mcp-a client_id=my-agent client_ids=[my-agent]\n' });
  expect((await cmd('client', 'create', '--name', 'rs', '--client-id', 'mcp-a-rs', '--grant-types', 'client_credentials', '--auth-method', 'client_secret_basic')).code).toBe(0);
  expect(await cmd('resource', 'runtime-client', 'add', '--slug', 'mcp-a', '--client-id', 'mcp-a-rs')).toMatchObject({ code: 0, stdout: 'runtime client added: slug=mcp-a client_id=mcp-a-rs client_ids=[my-agent,mcp-a-rs]\n' });
  expect(await cmd('resource', 'runtime-client', 'list', '--slug', 'mcp-a', '--json')).toMatchObject({ code: 0, stdout: '{\n  "client_ids": [\n    "my-agent",\n    "mcp-a-rs"\n  ]\n}\n' });
  expect(await cmd('resource', 'runtime-client', 'remove', '--slug', 'mcp-a', '--client-id', 'my-agent')).toMatchObject({ code: 0, stdout: 'runtime client removed: slug=mcp-a client_id=my-agent client_ids=[mcp-a-rs]\n' });
  expect((await cmd('resource', 'show', 'mcp-a')).stdout).toMatch(/\nruntime_clients\s+mcp-a-rs\n/);

  expect(await cmd('resource', 'runtime-client', 'remove', '--slug', 'mcp-a', '--client-id', 'my-agent')).toMatchObject({ code: 1, stdout: '', stderr: 'authserver resource runtime-client remove: client "my-agent" is not in policy.runtime.client_ids of resource "mcp-a"\n' });
  expect(await cmd('resource', 'runtime-client', 'add', '--slug', 'mcp-a', '--client-id', 'nobody')).toMatchObject({ code: 1, stderr: 'authserver resource runtime-client add: client "nobody" is not registered\n' });
  expect(await cmd('resource', 'runtime-client', 'list', '--slug', 'nope')).toMatchObject({ code: 1, stderr: 'authserver resource runtime-client list: resource "nope" not found\n' });
  const missing = await cmd('resource', 'runtime-client', 'add', '--slug', 'mcp-a');
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain("required option '--client-id <id>' not specified");
}

describe('admin resource runtime-client', () => {
  it('on a data dir with no server', async () => {
    const dir = await tempDir();
    const seeded = await runCli(cli, ['seed', 'apply', 'resources/seeds/single-mcp.yaml', '--data-dir', dir], { env });
    expect(seeded.code, seeded.stderr).toBe(0);
    await exercise(dir);
  }, 120_000);

  it('against a running server (its admin API)', async () => {
    const dir = await tempDir();
    const s = await startServe(cli, ['--port', '0', '--data-dir', dir, '--seed', 'resources/seeds/single-mcp.yaml', '--log-level', 'error'], env);
    running.push(s);
    await exercise(dir);
  }, 120_000);

  it('--policy-runtime-client-ids on resource create sets the list', async () => {
    const dir = await tempDir();
    const cmd = (...args: string[]) => runCli(cli, ['admin', ...args, '--data-dir', dir], { env });
    const r = await cmd('resource', 'create', '--slug', 'rs', '--uri', 'https://rs.example.com/mcp', '--policy-runtime-client-ids', 'a,b', '--policy-allowed-clients', 'gw', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).policy).toEqual({ exchange: { allowed_client_ids: ['gw'] }, runtime: { client_ids: ['a', 'b'] } });
  }, 60_000);
});
