/**
 * `authserver admin resource runtime-client add|remove|list`: the clients that may act as a
 * resource (policy.runtime.client_ids; introspect its tokens), one at a time, with the product's
 * output lines. (The product has no CLI verb for the exchange list: `--policy-allowed-clients`.)
 */
import { Command } from 'commander';
import { withAdminPort } from '../adminPort';
import { run, withCommon } from '../common';
import { printJson } from '../output';

interface RuntimeClientFlags {
  slug?: string;
  clientId?: string;
}

const ids = (list: string[]) => `[${list.join(',')}]`;

export function runtimeClientCommand(): Command {
  const cmd = new Command('runtime-client').description("the clients that may act as a resource (policy.runtime.client_ids: e.g. introspect its tokens); empty = none but a token's own client");

  for (const [verb, past, what] of [
    ['add', 'added', 'let a client act as the resource'],
    ['remove', 'removed', 'stop a client acting as the resource'],
  ] as const) {
    withCommon(cmd.command(verb).description(what))
      .requiredOption('--slug <slug>', 'the resource')
      .requiredOption('--client-id <id>', 'the client')
      .action(
        run<RuntimeClientFlags>(async ({ opts, out, json, dataDir }) => {
          const list = await withAdminPort(await dataDir(), (p) => (verb === 'add' ? p.addPolicyClient(opts.slug!, 'runtime', opts.clientId!) : p.removePolicyClient(opts.slug!, 'runtime', opts.clientId!)));
          if (json) return printJson(out, { client_ids: list });
          out.stdout(`runtime client ${past}: slug=${opts.slug} client_id=${opts.clientId} client_ids=${ids(list)}`);
        }),
      );
  }

  withCommon(cmd.command('list').description("list the resource's runtime clients"))
    .requiredOption('--slug <slug>', 'the resource')
    .action(
      run<RuntimeClientFlags>(async ({ opts, out, json, dataDir }) => {
        const list = await withAdminPort(await dataDir(), (p) => p.policyClients(opts.slug!, 'runtime'));
        if (json) return printJson(out, { client_ids: list });
        out.stdout(`slug=${opts.slug} client_ids=${ids(list)}`);
      }),
    );
  return cmd;
}
