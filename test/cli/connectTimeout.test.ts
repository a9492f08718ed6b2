/**
 * `authserver connect` against a server that accepts and never answers: every request has a
 * deadline (`--timeout`), so the run fails naming the URL and the deadline instead of hanging.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExampleMcpServer } from '../../examples/mcp-server/server';
import { buildCli, cliEnv, removeBuild, runCli, tempDir } from './helpers';

let cli: string;
let home: string;
let hung: { server: Server; origin: string; sockets: Set<Socket> };

/** A real loopback server that accepts connections, reads what comes and never answers. */
async function startHung(): Promise<typeof hung> {
  const sockets = new Set<Socket>();
  const server = createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.resume();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, sockets };
}

beforeAll(async () => {
  cli = await buildCli();
  home = await tempDir();
  hung = await startHung();
});
afterAll(async () => {
  for (const s of hung.sockets) s.destroy();
  await new Promise((r) => hung.server.close(r));
  await removeBuild(cli);
});

describe('authserver connect --timeout', () => {
  it('a hung MCP server: exits 1 naming the URL that did not answer and the deadline', async () => {
    const r = await runCli(cli, ['connect', `${hung.origin}/mcp`, '--timeout', '1'], { env: cliEnv(home), timeoutMs: 60_000 });
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`authserver connect: ${hung.origin}/.well-known/oauth-authorization-server did not answer in full within 1 s (the deadline of each request; raise it with --timeout)\n`);
    expect(r.code).toBe(1);
  });

  it('a hung MCP endpoint (a pre-registered client skips discovery): exits 1 naming the endpoint', async () => {
    const r = await runCli(cli, ['connect', `${hung.origin}/mcp`, '--client-id', 'my-agent', '--timeout', '1'], { env: cliEnv(home), timeoutMs: 60_000 });
    expect(r.stderr).toBe(`authserver connect: ${hung.origin}/mcp did not answer in full within 1 s (the deadline of each request; raise it with --timeout)\n`);
    expect(r.code).toBe(1);
  });

  it('a hung authorization server behind a working MCP server: exits 1 naming the AS metadata URL', async () => {
    const mcp = await startExampleMcpServer({ issuer: hung.origin });
    try {
      const r = await runCli(cli, ['connect', mcp.url, '--timeout', '2s'], { env: cliEnv(home), timeoutMs: 60_000 });
      expect(r.stderr).toBe(`authserver connect: ${hung.origin}/.well-known/oauth-authorization-server did not answer in full within 2 s (the deadline of each request; raise it with --timeout)\n`);
      expect(r.code).toBe(1);
    } finally {
      await mcp.close();
    }
  });

  it('a --timeout that is not a duration from 1s to 1h is a usage error', async () => {
    const r = await runCli(cli, ['connect', `${hung.origin}/mcp`, '--timeout', '0'], { env: cliEnv(home) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`option '--timeout <duration>' argument '0' is invalid. expected a duration from 1s to 1h, got "0"`);
  });
});
