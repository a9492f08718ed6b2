/** `authserver admin flow list|show|export`: through the running server only (flows live in its memory). */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Flow, FlowSummary } from '../../server/contracts/flows';
import { codeFlow, postForm, refresh } from '../helpers/oauthClient';
import { cliSuite, tempDir } from './helpers';

const { cmd, serve } = cliSuite();
const RES = 'http://127.0.0.1:3001/mcp';

/** A running server with mcp-a and the public client my-agent; one good flow with a refresh, one failed refresh. */
async function serverWithFlows(extra: string[] = []) {
  const dir = await tempDir();
  const server = await serve(['--data-dir', dir, '--port', '0', '--consent', 'auto', ...extra]);
  const token = (await readFile(join(dir, 'admin-token'), 'utf8')).trim();
  const admin = (path: string, body: unknown) => fetch(`${server.issuer}/admin/api${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect((await admin('/resources', { slug: 'mcp-a', uri: RES, scopes: [{ name: 'read', description: 'Read' }] })).status).toBe(201);
  expect((await admin('/clients', { client_name: 'My agent', client_id: 'my-agent', redirect_uris: ['http://127.0.0.1:8765/callback'], token_endpoint_auth_method: 'none' })).status).toBe(201);
  return { dir, server };
}

describe('admin flow', () => {
  it('lists flows newest first, shows one with its failed step explained, reveals only on request, exports HAR 1.2', async () => {
    const { dir, server } = await serverWithFlows();
    const { as, client, tokens } = await codeFlow({ issuer: server.issuer, clientId: 'my-agent', scope: 'read', resource: RES });
    const t2 = await refresh(as, client, tokens.refresh_token!);
    const bad = await postForm(`${server.issuer}/oauth/token`, { grant_type: 'refresh_token', refresh_token: 'a-refresh-token-nobody-issued', client_id: 'my-agent' });
    expect(bad.status).toBe(400);

    const listed = await cmd(['admin', 'flow', 'list', '--data-dir', dir, '--json']);
    expect(listed).toMatchObject({ code: 0, stderr: '' });
    const rows = JSON.parse(listed.stdout) as FlowSummary[];
    expect(rows.map((f) => [f.client_id, f.kind, f.outcome, f.steps.map((s) => `${s.endpoint} ${s.method} ${s.status}`)])).toEqual([
      ['my-agent', 'refresh', 'failed', ['token POST 400']],
      ['my-agent', 'authorization_code', 'succeeded', ['authorize GET 303', 'token POST 200', 'token POST 200']],
    ]);
    for (const f of rows) expect(f).toMatchObject({ id: expect.stringMatching(/^flw_/), started_at: expect.stringMatching(/Z$/) });
    const [failedId, goodId] = rows.map((f) => f.id);

    const table = await cmd(['admin', 'flow', 'list', '--data-dir', dir, '--client', 'my-agent', '--limit', '1']);
    const [header, row, extra] = table.stdout.split('\n');
    expect(header).toMatch(/^ID\s+STARTED\s+CLIENT\s+KIND\s+OUTCOME\s+STEPS$/);
    expect(row).toMatch(new RegExp(`^${failedId}\\s+\\S+Z\\s+my-agent\\s+refresh\\s+failed\\s+token 400$`));
    expect(extra).toBe('');
    expect((await cmd(['admin', 'flow', 'list', '--data-dir', dir, '--client', 'nobody'])).stdout).toBe('no flows recorded yet\n');

    const shown = await cmd(['admin', 'flow', 'show', failedId!, '--data-dir', dir]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^flow\s+flw_\S+\nkind\s+refresh\noutcome\s+failed\nclient\s+my-agent \(My agent\)\nresource\s+-\nuser\s+-\nstarted\s+\S+Z\nsecrets\s+masked \(--reveal shows them\)\n\n/);
    expect(shown.stdout).toMatch(/\n 1 {2}\d\d:\d\d:\d\d\.\d{3} {2}token {6}POST 400 {2}[\d.]+ ms {2}\/oauth\/token\n/);
    expect(shown.stdout).toContain('      error   invalid_grant: the refresh token is invalid');
    expect(shown.stdout).toContain('      check   the refresh token is current\n');
    expect(shown.stdout).toContain('      next    Drop the stored tokens and start a new authorization.\n');

    const masked = await cmd(['admin', 'flow', 'show', goodId!, '--data-dir', dir, '--json']);
    const flow = JSON.parse(masked.stdout) as Flow;
    expect(flow.masked).toBe(true);
    for (const secret of [tokens.refresh_token!, tokens.access_token, t2.refresh_token!]) expect(masked.stdout).not.toContain(secret);
    const revealed = await cmd(['admin', 'flow', 'show', goodId!, '--data-dir', dir, '--json', '--reveal']);
    expect(JSON.parse(revealed.stdout).masked).toBe(false);
    for (const secret of [tokens.refresh_token!, tokens.access_token, t2.refresh_token!]) expect(revealed.stdout).toContain(secret);

    const curl = await cmd(['admin', 'flow', 'show', goodId!, '--data-dir', dir, '--curl']);
    const lines = curl.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(new RegExp(`^curl -sS -i '${server.issuer}/oauth/authorize\\?`));
    expect(lines[1]).toMatch(new RegExp(`^curl -sS -i -X POST '${server.issuer}/oauth/token' -H`));

    const har = await cmd(['admin', 'flow', 'export', goodId!, '--data-dir', dir]);
    expect(har.code).toBe(0);
    const log = JSON.parse(har.stdout).log;
    expect(log.version).toBe('1.2');
    expect(log.entries.map((e: { request: { method: string }; response: { status: number } }) => `${e.request.method} ${e.response.status}`)).toEqual(['GET 303', 'POST 200', 'POST 200']);
    expect(har.stdout).not.toContain(tokens.refresh_token!);

    const file = join(dir, 'flow.har');
    expect(await cmd(['admin', 'flow', 'export', goodId!, '--data-dir', dir, '--out', file, '--reveal'])).toMatchObject({ code: 0, stdout: `HAR of flow ${goodId} written to ${file} (secrets revealed)\n` });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, 'utf8')).toContain(tokens.refresh_token!);

    expect(await cmd(['admin', 'flow', 'show', 'flw_nope', '--data-dir', dir])).toMatchObject({ code: 1, stderr: expect.stringMatching(/^authserver flow show: no flow "flw_nope"/) });
    expect(await cmd(['admin', 'flow', 'list', '--data-dir', dir, '--limit', '0'])).toMatchObject({ code: 2, stderr: 'authserver flow list: --limit "0": expected an integer from 1 to 1000\n' });
  });

  it('without a running server: a clear error and exit 1', async () => {
    const dir = await tempDir();
    for (const args of [['list'], ['show', 'flw_x'], ['export', 'flw_x']]) {
      const r = await cmd(['admin', 'flow', ...args, '--data-dir', dir]);
      expect(r).toMatchObject({ code: 1, stdout: '', stderr: `authserver flow ${args[0]}: flows live in a running server's memory: no AuthPlane server is running on the data dir ${dir} (start one with \`authserver serve --data-dir ${dir}\`)\n` });
    }
  });

  it('serve --no-flows (or no-flows: true in --config) records nothing', async () => {
    const { dir, server } = await serverWithFlows(['--no-flows']);
    await codeFlow({ issuer: server.issuer, clientId: 'my-agent', scope: 'read', resource: RES });
    expect(JSON.parse((await cmd(['admin', 'flow', 'list', '--data-dir', dir, '--json'])).stdout)).toEqual([]);

    const cfgDir = await tempDir();
    const file = join(cfgDir, 'authplane.yaml');
    await writeFile(file, 'no-flows: true\nconsent: auto\n');
    const s2 = await serve(['--config', file, '--port', '0', '--data-dir', join(cfgDir, 'data')]);
    await fetch(`${s2.issuer}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
    expect(JSON.parse((await cmd(['admin', 'flow', 'list', '--data-dir', join(cfgDir, 'data'), '--json'])).stdout)).toEqual([]);
  });
});
