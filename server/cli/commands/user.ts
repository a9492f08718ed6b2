/** `authserver admin user …`: local test users (who approves consent). */
import { Command } from 'commander';
import type { User } from '../../contracts';
import { withAdminPort } from '../adminPort';
import { defined, run, withCommon } from '../common';
import { keyValues, printJson, table, usageError } from '../output';

const userDetails = (u: User) => keyValues([['sub', u.sub], ['name', u.name], ['email', u.email], ['created_at', u.created_at]]);

export function userCommand(): Command {
  const cmd = new Command('user').description('manage local users');

  withCommon(cmd.command('create').description('create a user'))
    .requiredOption('--sub <sub>', 'subject (the JWT `sub`)')
    .option('--name <name>', 'display name (default: the sub)')
    .option('--email <email>', 'email address')
    .action(
      run<{ sub: string; name?: string; email?: string }>(async ({ opts, out, json, dataDir }) => {
        const user = await withAdminPort(await dataDir(), (p) => p.createUser(defined({ sub: opts.sub, name: opts.name, email: opts.email })));
        if (json) return printJson(out, user);
        out.stdout(`user created: sub=${user.sub}\n${userDetails(user)}`);
      }),
    );

  withCommon(cmd.command('update').description('change a user (only the given fields)').argument('<sub>', 'subject'))
    .option('--name <name>', 'display name')
    .option('--email <email>', 'email address')
    .option('--no-email', 'remove the email address')
    .action(
      run<{ name?: string; email?: string | false }>(async ({ opts, out, json, dataDir }, sub) => {
        const patch = defined({ name: opts.name, email: opts.email === false ? null : opts.email });
        if (Object.keys(patch).length === 0) throw usageError('nothing to update: pass at least one of --name, --email, --no-email');
        const user = await withAdminPort(await dataDir(), (p) => p.updateUser(sub!, patch));
        if (json) return printJson(out, user);
        out.stdout(`user updated: sub=${user.sub}\n${userDetails(user)}`);
      }),
    );

  withCommon(cmd.command('list').description('list users')).action(
    run(async ({ out, json, dataDir }) => {
      const rows = await withAdminPort(await dataDir(), (p) => p.listUsers());
      if (json) return printJson(out, rows);
      out.stdout(
        table<User>(
          rows,
          [
            ['sub', (u) => u.sub],
            ['name', (u) => u.name],
            ['email', (u) => u.email],
            ['created_at', (u) => u.created_at],
          ],
          'no users found',
        ),
      );
    }),
  );

  withCommon(cmd.command('delete').description('delete a user').argument('<sub>', 'subject')).action(
    run(async ({ out, json, dataDir }, sub) => {
      await withAdminPort(await dataDir(), (p) => p.deleteUser(sub!));
      if (json) return printJson(out, { deleted: true, sub });
      out.stdout(`user deleted: sub=${sub}`);
    }),
  );
  return cmd;
}
