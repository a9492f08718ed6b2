/** `authserver admin settings get|set`: the running server's refresh grace, through its admin API only. */
import { describe, expect, it } from 'vitest';
import type { SettingsView } from '../../server/contracts/settings';
import { cliSuite, tempDir } from './helpers';

const { cmd, serve } = cliSuite();

describe('admin settings', () => {
  it('shows and changes the refresh grace of the running server; status and the audit trail follow', async () => {
    const dir = await tempDir();
    const server = await serve(['--data-dir', dir, '--port', '0']);

    const before = await cmd(['admin', 'settings', 'get', '--data-dir', dir, '--json']);
    expect(before).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(before.stdout) as SettingsView).toEqual({
      refresh_grace_s: 0,
      startup: { refresh_grace_s: 0 },
      serve: { issuer: server.issuer, data_dir: dir, consent_mode: 'prompt', default_user: 'dev-user', strict: false, signing_alg: 'ES256', access_token_ttl_s: 900, refresh_token_ttl_s: 604800, code_ttl_s: 600 },
    });

    const set = await cmd(['admin', 'settings', 'set', '--data-dir', dir, '--refresh-grace', '30s']);
    expect(set).toMatchObject({
      code: 0,
      stderr: '',
      stdout: 'refresh grace: 30 s (a rotated-out refresh token is accepted again that long: a deviation from the AuthPlane product)\nuntil the server stops (it started with 0 s; for a lasting value use `serve --refresh-grace` or its --config file)\n',
    });
    const human = await cmd(['admin', '--data-dir', dir, 'settings', 'get']);
    expect(human.stdout.split('\n').slice(0, 5)).toEqual([
      'refresh grace  30 s (a rotated-out refresh token is accepted again that long: a deviation from the AuthPlane product)',
      'at start       0 s (a restart returns to it)',
      `issuer         ${server.issuer}`,
      `data dir       ${dir}`,
      'consent        prompt (default user dev-user)',
    ]);
    expect(JSON.parse((await cmd(['admin', 'status', '--data-dir', dir, '--json'])).stdout).refresh_grace_s).toBe(30);

    const back = await cmd(['admin', 'settings', 'set', '--data-dir', dir, '--refresh-grace', '0', '--json']);
    expect(JSON.parse(back.stdout)).toMatchObject({ refresh_grace_s: 0 });
    const audit = JSON.parse((await cmd(['admin', 'audit', 'list', '--data-dir', dir, '--type', 'settings', '--json'])).stdout);
    expect(audit.events.map((e: { data: unknown }) => e.data)).toEqual([
      { before: { refresh_grace_s: 30 }, after: { refresh_grace_s: 0 }, by: 'admin_token' },
      { before: { refresh_grace_s: 0 }, after: { refresh_grace_s: 30 }, by: 'admin_token' },
    ]);
  });

  it('refuses bad flags with a usage error (exit 2)', async () => {
    const dir = await tempDir();
    const long = await cmd(['admin', 'settings', 'set', '--data-dir', dir, '--refresh-grace', '6m']);
    expect(long.code).toBe(2);
    expect(long.stderr).toContain(`authserver settings set: option '--refresh-grace <duration>' argument '6m' is invalid. at most 5m (a rotated-out refresh token stays usable that long), got "6m"`);
    const soon = await cmd(['admin', 'settings', 'set', '--data-dir', dir, '--refresh-grace', 'soon']);
    expect(soon.code).toBe(2);
    expect(soon.stderr).toContain('expected a duration such as 900, 15m, 2h or 7d, got "soon"');
    const missing = await cmd(['admin', 'settings', 'set', '--data-dir', dir]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '--refresh-grace <duration>' not specified");
    const unknown = await cmd(['admin', 'settings', 'set', '--data-dir', dir, '--refresh-grace', '5', '--grace', '5']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--grace'");
  });

  it('without a running server: one line saying so, exit 1', async () => {
    const dir = await tempDir();
    for (const args of [['get'], ['set', '--refresh-grace', '30s']]) {
      const r = await cmd(['admin', 'settings', ...args, '--data-dir', dir]);
      expect(r).toEqual({
        code: 1,
        stdout: '',
        stderr: `authserver settings ${args[0]}: settings live in a running server's memory: no AuthPlane server is running on the data dir ${dir} (start one with \`authserver serve --data-dir ${dir}\`)\n`,
      });
    }
  });
});
