/** `authserver doctor` as a child process: ✓/✗ lines, --json, exit codes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExampleMcpServer, type ExampleMcpServer } from '../../examples/mcp-server/server';
import { DoctorReport } from '../../server/contracts/doctor';
import { buildCli, cliEnv, removeBuild, runCli, tempDir } from '../cli/helpers';
import { startTestServer, type TestServer } from '../helpers/server';
import { startBrokenServer, type BrokenServer } from './brokenServer';

let cli: string;
let home: string;
let s: TestServer;
let example: ExampleMcpServer;
let broken: BrokenServer;

beforeAll(async () => {
  [cli, home, s] = await Promise.all([buildCli(), tempDir(), startTestServer({ consent: 'auto' })]);
  example = await startExampleMcpServer({ issuer: s.issuer });
  broken = await startBrokenServer(s.issuer, { skipExpiry: true });
  await s.services.resources.create({ slug: 'mcp-a', uri: example.resource, scopes: [{ name: 'read' }, { name: 'write' }] });
  await s.services.resources.create({ slug: 'lax', uri: broken.url, scopes: [{ name: 'read' }, { name: 'write' }] });
});
afterAll(async () => {
  await broken?.close();
  await example?.close();
  await s?.stop();
  if (cli) await removeBuild(cli);
});

const doctor = (...args: string[]) => runCli(cli, ['doctor', ...args], { env: cliEnv(home) });

describe('authserver doctor', () => {
  it('all ✓ against the example server, exit 0', async () => {
    const r = await doctor(example.url, '--data-dir', s.dataDir);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`Checking ${example.url} (data dir ${s.dataDir})`);
    expect(lines.filter((l) => l.startsWith('✓ '))).toHaveLength(15);
    expect(lines.some((l) => l.startsWith('✗ '))).toBe(false);
    expect(lines.at(-2)).toMatch(/^15 passed, 0 failed\. /);
  });

  it('--json prints the report, and AUTHPLANE_DATA_DIR works as the data dir', async () => {
    const r = await runCli(cli, ['doctor', example.url, '--json'], { env: cliEnv(home, { AUTHPLANE_DATA_DIR: s.dataDir }) });
    expect(r.code, r.stderr).toBe(0);
    const report = DoctorReport.parse(JSON.parse(r.stdout));
    expect(report).toMatchObject({ ok: true, issuer: s.issuer, summary: { pass: 15, fail: 0 } });
  });

  it('✗ with the fix and exit 1 when the server accepts expired tokens', async () => {
    const r = await doctor(broken.url, '--data-dir', s.dataDir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\n✗ MCP server rejects an expired token\n {4}your server accepted a token that expired at \S+ \(an hour ago\)\n {4}fix: check exp/);
    expect(r.stdout).toContain('14 passed, 1 failed.');
  });

  it('exit 1 with the fix when no server runs on the data dir', async () => {
    const empty = await tempDir();
    const r = await doctor(example.url, '--data-dir', empty);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`✗ AuthPlane is running\n    no AuthPlane server is running on the data dir ${empty}\n    fix: start it (\`authserver serve --data-dir ${empty}\`)`);
  });

  it('exit 2 for a bad URL or a missing argument', async () => {
    const bad = await doctor('not-a-url');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('authserver doctor: "not-a-url" is not a URL; pass the MCP endpoint, e.g. http://127.0.0.1:3001/mcp\n');
    expect(bad.stdout).toBe('');
    const missing = await doctor();
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("missing required argument 'mcp-server-url'");
    const protocol = await doctor('http://127.0.0.1:3001/mcp', '--protocol', '2025-03-26');
    expect(protocol.code).toBe(2);
    expect(protocol.stderr).toContain("option '--protocol <revision>' argument '2025-03-26' is invalid. expected one of 2026-07-28, 2025-11-25");
  });

  it('--protocol 2025-11-25 checks against that revision; the JSON report names what the server speaks', async () => {
    const r = await runCli(cli, ['doctor', example.url, '--protocol', '2025-11-25', '--json'], { env: cliEnv(home, { AUTHPLANE_DATA_DIR: s.dataDir }) });
    expect(r.code, r.stdout).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, protocol: '2025-11-25', mcp_protocols: ['2026-07-28', '2025-11-25'] });
  });
});
