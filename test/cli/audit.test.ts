/** `authserver admin audit list`: the audit trail from the CLI, with and without a running server. */
import { describe, expect, it } from 'vitest';
import type { AppEvent } from '../../server/contracts';
import { cliSuite, tempDir } from './helpers';

const { cmd, serve } = cliSuite();
const types = (stdout: string) => (JSON.parse(stdout) as { events: AppEvent[] }).events.map((e) => e.type);

async function changes(dir: string): Promise<void> {
  expect((await cmd(['admin', 'resource', 'create', '--data-dir', dir, '--slug', 'mcp-a', '--uri', 'http://127.0.0.1:3001/mcp', '--scopes', 'read||Read'])).code).toBe(0);
  expect((await cmd(['admin', 'client', 'create', '--data-dir', dir, '--name', 'agent', '--redirect-uris', 'http://127.0.0.1:8765/callback'])).code).toBe(0);
  expect((await cmd(['admin', 'resource', 'delete', 'mcp-a', '--data-dir', dir])).code).toBe(0);
}

describe('admin audit list', () => {
  it('reads the trail of changes made without a server, filtered', async () => {
    const dir = await tempDir();
    await changes(dir);
    const all = await cmd(['admin', 'audit', 'list', '--data-dir', dir, '--json']);
    expect(all.code).toBe(0);
    expect(types(all.stdout).slice(0, 3)).toEqual(['resource.deleted', 'client.created', 'resource.created']);
    expect(types((await cmd(['admin', 'audit', 'list', '--data-dir', dir, '--json', '--resource', 'mcp-a'])).stdout)).toEqual(['resource.deleted', 'resource.created']);
    expect(types((await cmd(['admin', 'audit', 'list', '--data-dir', dir, '--json', '--type', 'client', '--since', '1h'])).stdout)).toEqual(['client.created']);
    expect(types((await cmd(['admin', 'audit', 'list', '--data-dir', dir, '--json', '--type', 'resource', '--limit', '1'])).stdout)).toEqual(['resource.deleted']);
    const table = await cmd(['admin', 'audit', 'list', '--data-dir', dir, '--resource', 'mcp-a']);
    const [header, first, second] = table.stdout.split('\n');
    expect(header).toMatch(/^AT\s+TYPE\s+SUB\s+CLIENT\s+RESOURCE\s+DETAIL$/);
    expect(first).toMatch(/^\d{4}-\d\d-\d\dT\S+Z\s+resource\.deleted\s+-\s+-\s+mcp-a\s+-$/);
    expect(second).toMatch(/^\S+\s+resource\.created\s+-\s+-\s+mcp-a\s+uri=http:\/\/127\.0\.0\.1:3001\/mcp$/);
    expect((await cmd(['admin', 'audit', 'list', '--data-dir', dir, '--user', 'nobody'])).stdout).toBe('no audit events found\n');
  });

  it('refuses bad flags with a usage error', async () => {
    const dir = await tempDir();
    expect(await cmd(['admin', 'audit', 'list', '--data-dir', dir, '--since', '31d'])).toMatchObject({ code: 2, stderr: 'authserver audit list: --since "31d": at most 30 days back (720h)\n' });
    expect(await cmd(['admin', 'audit', 'list', '--data-dir', dir, '--until', 'soon'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--until "soon": expected a duration') });
    expect(await cmd(['admin', 'audit', 'list', '--data-dir', dir, '--limit', '0'])).toMatchObject({ code: 2, stderr: 'authserver audit list: --limit "0": expected an integer from 1 to 5000\n' });
    const unknown = await cmd(['admin', 'audit', 'list', '--data-dir', dir, '--action', 'x']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--action'");
  });

  it('reads a running server\'s trail through its admin API', async () => {
    const dir = await tempDir();
    const s = await serve(['--port', '0', '--data-dir', dir]);
    await changes(dir);
    const r = await cmd(['admin', 'audit', 'list', '--data-dir', dir, '--json', '--type', 'resource']);
    expect(r.code).toBe(0);
    expect(types(r.stdout)).toEqual(['resource.deleted', 'resource.created']);
    expect(await s.stop('SIGTERM')).toBe(0);
  });
});
