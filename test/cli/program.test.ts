/**
 * The program loads command modules lazily: a command line that names a command gets that
 * command alone (so `admin issuance list` does not import the other eighteen), and one that
 * names none, or an unknown one, gets all of them for the help listing and suggestions.
 */
import { describe, expect, it } from 'vitest';
import { buildProgram, selectedCommand } from '../../server/cli/program';

const ALL_TOP = ['serve', 'stop', 'ui-link', 'demo', 'doctor', 'connect', 'example-server', 'admin', 'seed'];
const ALL_ADMIN = ['resource', 'fronting', 'client', 'user', 'consent', 'issuance', 'audit', 'key', 'token', 'fault', 'flow', 'settings', 'seed', 'status'];

const names = (c: { commands: readonly { name(): string }[] }) => c.commands.map((x) => x.name());
const admin = async (args: string[]) => names((await buildProgram(args)).commands.find((c) => c.name() === 'admin')!);

describe('selectedCommand', () => {
  it('finds the command and the admin noun, skipping the admin level options', () => {
    expect(selectedCommand(['admin', 'issuance', 'list', '--json'])).toEqual({ top: 'admin', admin: 'issuance' });
    expect(selectedCommand(['admin', '--data-dir', 'issuance', 'key', 'list'])).toEqual({ top: 'admin', admin: 'key' });
    expect(selectedCommand(['admin', '--data-dir=/d', '--json', 'status'])).toEqual({ top: 'admin', admin: 'status' });
    expect(selectedCommand(['serve', '--port', '0'])).toEqual({ top: 'serve' });
    expect(selectedCommand(['--help'])).toEqual({ top: undefined });
    expect(selectedCommand(['admin'])).toEqual({ top: 'admin' });
  });
});

describe('buildProgram', () => {
  it('builds only the command the line names', async () => {
    expect(await admin(['admin', 'issuance', 'list'])).toEqual(['issuance']);
    expect(names(await buildProgram(['admin', 'issuance', 'list']))).toEqual(['admin']);
    expect(names(await buildProgram(['serve', '--port', '0']))).toEqual(['serve']);
    expect(names(await buildProgram(['seed', 'apply', 'f.yaml']))).toEqual(['seed']);
    expect(names(await buildProgram(['--version']))).toEqual([]);
  });

  it('builds every command for help, a bare `admin`, and a name it does not know (suggestions)', async () => {
    for (const args of [[], ['--help'], ['help', 'admin'], ['serv']]) expect(names(await buildProgram(args)), args.join(' ')).toEqual(ALL_TOP);
    for (const args of [['admin'], ['admin', '--help'], ['admin', 'isuance', 'list']]) expect(await admin(args), args.join(' ')).toEqual(ALL_ADMIN);
  });
});
