/** `authserver admin fault add|list|clear`: through the running server only (faults live in its memory). */
import { describe, expect, it } from 'vitest';
import type { Fault } from '../../server/contracts/faults';
import { cliSuite, tempDir } from './helpers';

const { cmd, serve } = cliSuite();

describe('admin fault', () => {
  it('adds, lists and clears faults on the running server, and the armed fault answers', async () => {
    const dir = await tempDir();
    const server = await serve(['--data-dir', dir, '--port', '0']);

    const added = await cmd(['admin', 'fault', 'add', '--data-dir', dir, '--endpoint', 'token', '--grant', 'refresh_token', '--client', 'my-agent', '--error', 'invalid_grant', '--description', 'refresh token expired', '--count', '2', '--json']);
    expect(added).toMatchObject({ code: 0, stderr: '' });
    const fault = JSON.parse(added.stdout) as Fault;
    expect(fault).toMatchObject({ id: expect.stringMatching(/^flt_/), endpoint: 'token', grant_type: 'refresh_token', client_id: 'my-agent', error: 'invalid_grant', error_description: 'refresh token expired', remaining: 2, expires_at: null, fired: 0 });

    const jwks = await cmd(['admin', '--data-dir', dir, 'fault', 'add', '--endpoint', 'jwks', '--status', '503', '--for', '15m']);
    expect(jwks.code).toBe(0);
    expect(jwks.stdout).toMatch(/^fault armed: (flt_[\w-]{12}) jwks: HTTP 503; until \d{4}-\d\d-\d\dT\S+Z\n$/);
    const jwksId = /fault armed: (\S+)/.exec(jwks.stdout)![1]!;
    const answered = await fetch(`${server.issuer}/.well-known/jwks.json`);
    expect(answered.status).toBe(503);
    expect(await answered.json()).toMatchObject({ error: 'temporarily_unavailable', error_description: `injected by AuthPlane fault ${jwksId} on the jwks endpoint` });

    const list = await cmd(['admin', 'fault', 'list', '--data-dir', dir]);
    const [header, first, second] = list.stdout.split('\n');
    expect(header).toMatch(/^ID\s+ENDPOINT\s+GRANT\s+CLIENT\s+ANSWER\s+LEFT\s+UNTIL\s+FIRED$/);
    expect(first).toMatch(new RegExp(`^${fault.id}\\s+token\\s+refresh_token\\s+my-agent\\s+error invalid_grant \\(refresh token expired\\)\\s+2\\s+-\\s+0$`));
    expect(second).toMatch(new RegExp(`^${jwksId}\\s+jwks\\s+-\\s+-\\s+HTTP 503\\s+-\\s+\\S+Z\\s+1$`));

    expect(await cmd(['admin', 'fault', 'clear', fault.id, '--data-dir', dir])).toMatchObject({ code: 0, stdout: `fault ${fault.id} cleared\n` });
    expect(await cmd(['admin', 'fault', 'clear', fault.id, '--data-dir', dir])).toMatchObject({ code: 1, stderr: `authserver fault clear: no armed fault "${fault.id}"\n` });
    expect(await cmd(['admin', 'fault', 'clear', '--data-dir', dir])).toMatchObject({ code: 0, stdout: '1 fault cleared\n' });
    expect(JSON.parse((await cmd(['admin', 'fault', 'list', '--data-dir', dir, '--json'])).stdout)).toEqual([]);
    expect((await cmd(['admin', 'fault', 'list', '--data-dir', dir])).stdout).toBe('no faults armed\n');
    expect((await fetch(`${server.issuer}/.well-known/jwks.json`)).status).toBe(200);
  });

  it('without a running server: a clear error and exit 1', async () => {
    const dir = await tempDir();
    const r = await cmd(['admin', 'fault', 'list', '--data-dir', dir]);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: `authserver fault list: faults live in a running server's memory: no AuthPlane server is running on the data dir ${dir} (start one with \`authserver serve --data-dir ${dir}\`)\n` });
    expect((await cmd(['admin', 'fault', 'add', '--data-dir', dir, '--endpoint', 'token', '--status', '503'])).code).toBe(1);
  });

  it('refuses bad flags with a usage error (exit 2) and the server refuses bad combinations (exit 1)', async () => {
    const dir = await tempDir();
    expect(await cmd(['admin', 'fault', 'add', '--data-dir', dir, '--endpoint', 'token'])).toMatchObject({ code: 2, stderr: 'authserver fault add: give exactly one of --error CODE, --status N or --delay MS\n' });
    expect(await cmd(['admin', 'fault', 'add', '--data-dir', dir, '--endpoint', 'token', '--status', '503', '--delay', '5'])).toMatchObject({ code: 2 });
    expect(await cmd(['admin', 'fault', 'add', '--data-dir', dir, '--endpoint', 'token', '--status', '200'])).toMatchObject({ code: 2, stderr: 'authserver fault add: --status "200": expected an integer from 400 to 599\n' });
    expect(await cmd(['admin', 'fault', 'add', '--data-dir', dir, '--endpoint', 'token', '--status', '503', '--for', 'soon'])).toMatchObject({ code: 2, stderr: 'authserver fault add: --for "soon": expected seconds or a duration like 90s, 15m, 2h, 7d\n' });
    const badEndpoint = await cmd(['admin', 'fault', 'add', '--data-dir', dir, '--endpoint', 'consent', '--status', '503']);
    expect(badEndpoint.code).toBe(2);
    expect(badEndpoint.stderr).toContain("option '--endpoint <name>' argument 'consent' is invalid. Allowed choices are authorize, token, register, revoke, introspect, jwks, metadata.");
    await serve(['--data-dir', dir, '--port', '0']);
    expect(await cmd(['admin', 'fault', 'add', '--data-dir', dir, '--endpoint', 'jwks', '--grant', 'refresh_token', '--status', '503'])).toMatchObject({ code: 1, stderr: 'authserver fault add: grant_type: only for the token endpoint\n' });
  });
});
