/** `authserver connect`: the real SDK client as a CLI, against a real server and the example MCP server. */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExampleMcpServer, type ExampleMcpServer } from '../../examples/mcp-server/server';
import { startTestServer, type TestServer } from '../helpers/server';
import { buildCli, cliEnv, removeBuild, runCli, tempDir } from './helpers';

let cli: string;
let home: string;
let mcp: ExampleMcpServer;

beforeAll(async () => {
  cli = await buildCli();
  home = await tempDir();
});
afterAll(async () => {
  await removeBuild(cli);
});

async function setup(consent: 'auto' | 'prompt'): Promise<TestServer> {
  const s = await startTestServer({ consent });
  mcp = await startExampleMcpServer({ issuer: s.issuer });
  await s.services.resources.create({ slug: 'mcp-a', uri: mcp.resource, scopes: [{ name: 'read' }, { name: 'write' }] });
  return s;
}

describe('authserver connect', () => {
  it('registers, authorizes, calls whoami and prints the token claims (auto consent)', async () => {
    const s = await setup('auto');
    try {
      const r = await runCli(cli, ['connect', mcp.url, '--json'], { env: cliEnv(home) });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out.claims).toMatchObject({ aud: [mcp.resource], sub: 'dev-user', scope: 'read write', iss: s.issuer });
      expect(out.tools).toEqual(['whoami', 'read_note', 'write_note']);
      expect(out.token.access_token).toBeUndefined();
      expect(s.services.clients.get(out.client_id)?.registration_source).toBe('dcr');
    } finally {
      await mcp.close();
      await s.stop();
    }
  });

  it('prints the consent URL and waits for the decision (prompt mode)', async () => {
    const s = await setup('prompt');
    try {
      const child = spawn(process.execPath, [cli, 'connect', mcp.url, '--scope', 'read'], { env: cliEnv(home), stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      // The prompt shows up as a pending interaction; approve it as the desktop window would.
      let uid: string | undefined;
      for (let i = 0; i < 100 && !uid; i++) {
        await new Promise((r) => setTimeout(r, 100));
        uid = s.services.interactions.listPending()[0]?.uid;
      }
      expect(uid).toBeTruthy();
      const res = await s.admin(`/interactions/${uid}/decision`, { method: 'POST', body: JSON.stringify({ action: 'approve' }) });
      expect(res.status).toBe(200);
      // The connect command only learns the code from its loopback callback: follow the redirect like a browser would.
      const { redirect } = await res.json();
      await fetch(redirect);
      const code = await new Promise<number | null>((r) => child.on('exit', r));
      expect(stderr).toContain(`${s.issuer}/oauth/authorize?`);
      expect(code).toBe(0);
      expect(stdout).toContain('scope="read"');
    } finally {
      await mcp.close();
      await s.stop();
    }
  });
});
