/**
 * `authserver admin flow list|show|export`: the flow timeline. Flows live in the running server's
 * memory, so these commands always go through its admin API; without a server they fail. Secrets
 * stay masked unless `--reveal` is given (an explicit, local action).
 */
import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import type { Flow, FlowStep, FlowSummary } from '../../contracts/flows';
import { liveServerPort } from '../runningServer';
import { parseIntFlag, run, withCommon } from '../common';
import { CliError, keyValues, printJson, table } from '../output';

const serverPort = (dataDir: string) => liveServerPort(dataDir, 'flows');

/** The rail of a flow in one cell: `register 201 › authorize 303 › token 200`. */
const rail = (f: FlowSummary) => f.steps.map((s) => `${s.endpoint} ${s.status}`).join(' › ');

const time = (at: string) => at.slice(11, 23);

function stepLines(s: FlowStep, n: number): string[] {
  const head = `${String(n).padStart(2)}  ${time(s.at)}  ${s.endpoint.padEnd(10)} ${s.method.padEnd(4)} ${s.status}  ${s.duration_ms} ms  ${s.url}`;
  const lines = [head];
  if (s.fault_id) lines.push(`      fault   ${s.fault_id}`);
  if (s.error) lines.push(`      error   ${s.error}${s.error_description ? `: ${s.error_description}` : ''}`);
  const x = s.explanation;
  if (x) {
    lines.push(`      check   ${x.check}`);
    if (x.detail !== s.error_description) lines.push(`      detail  ${x.detail}`);
    if (x.spec) lines.push(`      spec    ${x.spec}`);
    if (x.next) lines.push(`      next    ${x.next}`);
    if (x.fix) lines.push(`      fix     ${x.fix}`);
  }
  for (const w of s.warnings ?? []) lines.push(`      warning ${w}`);
  return lines;
}

function showFlow(f: Flow): string {
  const head = keyValues([
    ['flow', f.id],
    ['kind', f.kind],
    ['outcome', f.outcome],
    ['client', f.client_id ? `${f.client_id}${f.client_name && f.client_name !== f.client_id ? ` (${f.client_name})` : ''}` : undefined],
    ['resource', f.resource],
    ['user', f.sub],
    ['started', f.started_at],
    ['secrets', f.masked ? 'masked (--reveal shows them)' : 'revealed'],
  ]);
  const dropped = f.dropped_steps ? [`(${f.dropped_steps} older steps rolled off)`] : [];
  return [head, '', ...dropped, ...f.steps.flatMap((s, i) => stepLines(s, i + 1 + (f.dropped_steps ?? 0)))].join('\n');
}

export function flowCommand(): Command {
  const cmd = new Command('flow').description("the flow timeline: every exchange of each authorization (in the running server's memory only)");

  withCommon(cmd.command('list').description('list flows, newest first'))
    .option('--client <id>', 'only flows of this client')
    .option('--limit <n>', 'at most this many flows (default: all kept)')
    .action(
      run<{ client?: string; limit?: string }>(async ({ opts, out, json, dataDir }) => {
        const limit = parseIntFlag('--limit', opts.limit, 1, 1000);
        const rows = await (await serverPort(await dataDir())).listFlows({ client: opts.client, limit });
        if (json) return printJson(out, rows);
        out.stdout(
          table<FlowSummary>(
            rows,
            [
              ['id', (f) => f.id],
              ['started', (f) => f.started_at],
              ['client', (f) => f.client_id],
              ['kind', (f) => f.kind],
              ['outcome', (f) => f.outcome],
              ['steps', rail],
            ],
            'no flows recorded yet',
          ),
        );
      }),
    );

  withCommon(cmd.command('show').description('every step of a flow: status, timing, and why a failed step failed'))
    .argument('<id>', 'the flow')
    .option('--reveal', 'show codes, tokens, secrets and cookies instead of masking them')
    .option('--curl', 'print one curl command per step instead (reproduces each request; masked unless --reveal)')
    .action(
      run<{ reveal?: boolean; curl?: boolean }>(async ({ opts, out, json, dataDir }, id) => {
        const f = await (await serverPort(await dataDir())).getFlow(id!, !!opts.reveal);
        if (json) return printJson(out, f);
        out.stdout(opts.curl ? f.steps.map((s) => s.curl ?? '').join('\n') : showFlow(f));
      }),
    );

  withCommon(cmd.command('export').description('a flow as HAR 1.2 (Chrome DevTools, Charles, Insomnia… open it)'))
    .argument('<id>', 'the flow')
    .option('--out <file>', 'write to this file instead of stdout')
    .option('--reveal', 'keep codes, tokens, secrets and cookies in the file instead of masking them')
    .action(
      run<{ out?: string; reveal?: boolean }>(async ({ opts, out, dataDir }, id) => {
        const har = await (await serverPort(await dataDir())).flowHar(id!, !!opts.reveal);
        const text = JSON.stringify(har, null, 2);
        if (!opts.out) return out.stdout(text);
        try {
          // Owner-only: even masked, a flow shows what a client sent.
          await writeFile(opts.out, `${text}\n`, { mode: 0o600 });
        } catch (err) {
          throw new CliError(`cannot write ${opts.out}: ${(err as Error).message}`);
        }
        out.stdout(`HAR of flow ${id} written to ${opts.out}${opts.reveal ? ' (secrets revealed)' : ''}`);
      }),
    );
  return cmd;
}
