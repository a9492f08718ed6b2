/**
 * `authserver admin fault add|list|clear`: faults on demand. They live in the running server's
 * memory, so these commands always go through its admin API; without a server they fail.
 */
import { Command, Option } from 'commander';
import type { Fault } from '../../contracts/faults';
import { describeFault, faultAnswer } from '../../contracts/faultSummary';
import { FAULT_ENDPOINTS, GRANT_TYPES, MAX_FAULT_DELAY_MS } from '../../contracts/enums';
import { liveServerPort } from '../runningServer';
import { parseIntFlag, parseSeconds, run, withCommon } from '../common';
import { printJson, table, usageError } from '../output';

const serverPort = (dataDir: string) => liveServerPort(dataDir, 'faults');

interface AddOptions {
  endpoint: string;
  grant?: string;
  client?: string;
  error?: string;
  description?: string;
  status?: string;
  delay?: string;
  count?: string;
  for?: string;
}

/** The flags as the API's FaultInput (the server validates the rest and names each bad field). */
function faultInput(o: AddOptions): Record<string, unknown> {
  const actions = [o.error, o.status, o.delay].filter((v) => v !== undefined).length;
  if (actions !== 1) throw usageError('give exactly one of --error CODE, --status N or --delay MS');
  if (o.description !== undefined && o.error === undefined) throw usageError('--description goes with --error');
  return {
    endpoint: o.endpoint,
    grant_type: o.grant,
    client_id: o.client,
    error: o.error,
    error_description: o.description,
    status: parseIntFlag('--status', o.status, 400, 599),
    delay_ms: parseIntFlag('--delay', o.delay, 1, MAX_FAULT_DELAY_MS),
    count: parseIntFlag('--count', o.count, 1, 1_000_000),
    for_seconds: parseSeconds('--for', o.for),
  };
}

export function faultCommand(): Command {
  const cmd = new Command('fault').description("make an endpoint fail on purpose (in the running server's memory only)");

  withCommon(cmd.command('add').description('arm a fault for the next N matching requests (default 1) or for a duration'))
    .addOption(new Option('--endpoint <name>', 'the endpoint that fails').choices([...FAULT_ENDPOINTS]).makeOptionMandatory())
    .addOption(new Option('--grant <grant>', 'only token requests with this grant_type').choices([...GRANT_TYPES]))
    .option('--client <id>', 'only requests from this client')
    .option('--error <code>', 'answer with this OAuth error (e.g. invalid_grant)')
    .option('--description <text>', 'its error_description')
    .option('--status <n>', 'answer with this HTTP status (400-599)')
    .option('--delay <ms>', 'let the request through after this many milliseconds')
    .option('--count <n>', 'fire for the next N matching requests (default 1; unlimited with --for alone)')
    .option('--for <duration>', 'stay armed this long: 90s, 15m, 2h')
    .action(
      run<AddOptions>(async ({ opts, out, json, dataDir }) => {
        const input = faultInput(opts);
        const port = await serverPort(await dataDir());
        const fault = await port.addFault(input);
        if (json) return printJson(out, fault);
        out.stdout(`fault armed: ${fault.id} ${describeFault(fault)}`);
      }),
    );

  withCommon(cmd.command('list').description('list armed faults')).action(
    run(async ({ out, json, dataDir }) => {
      const rows = await (await serverPort(await dataDir())).listFaults();
      if (json) return printJson(out, rows);
      out.stdout(
        table<Fault>(
          rows,
          [
            ['id', (f) => f.id],
            ['endpoint', (f) => f.endpoint],
            ['grant', (f) => f.grant_type],
            ['client', (f) => f.client_id],
            ['answer', faultAnswer],
            ['left', (f) => f.remaining],
            ['until', (f) => f.expires_at],
            ['fired', (f) => f.fired],
          ],
          'no faults armed',
        ),
      );
    }),
  );

  withCommon(cmd.command('clear').description('disarm one fault, or all when no id is given'))
    .argument('[id]', 'the fault to clear')
    .action(
      run(async ({ out, json, dataDir }, id) => {
        const port = await serverPort(await dataDir());
        const cleared = id ? [await port.clearFault(id)] : await port.clearFaults();
        if (json) return printJson(out, id ? cleared[0] : cleared);
        out.stdout(id ? `fault ${id} cleared` : `${cleared.length} fault${cleared.length === 1 ? '' : 's'} cleared`);
      }),
    );
  return cmd;
}
