/**
 * `authserver connect <mcp-url>`: be the MCP client. Runs the real SDK client's OAuth flow
 * against your MCP server and AuthPlane, prints the token it got and calls a tool.
 */
import { Command, InvalidArgumentError } from 'commander';
import type { ToolArgs } from '../../contracts/connect';
import type { McpProtocol } from '../../contracts/mcpProtocol';
import { configureErrors, durationFlag, parsePort, parseProtocol, run } from '../common';
import { printJson, usageError } from '../output';

async function parseToolArgs(text: string): Promise<ToolArgs> {
  // The contract (zod) loads with the command that uses it, not with every CLI start.
  const { ToolArgs } = await import('../../contracts/connect');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw usageError(`--args: not JSON (${(e as Error).message})`);
  }
  const r = ToolArgs.safeParse(value);
  if (!r.success) throw usageError(`--args: ${r.error.issues[0]?.message ?? 'expected a JSON object'}`);
  return r.data;
}

/** `--timeout`: from a second (a loopback server answers in milliseconds) to an hour. */
function timeoutFlag(v: string): number {
  const n = durationFlag(v);
  if (n < 1 || n > 3600) throw new InvalidArgumentError(`expected a duration from 1s to 1h, got "${v}"`);
  return n;
}

export function connectCommand(): Command {
  const cmd = configureErrors(new Command('connect'))
    .description('connect to an MCP server as a real MCP client (official SDK): authorize through AuthPlane, list tools, call one')
    .argument('<mcp-server-url>', 'the MCP endpoint, e.g. http://127.0.0.1:3001/mcp')
    .option('--client-id <id>', 'use a pre-registered client instead of dynamic registration')
    .option('--client-secret <secret>', 'the pre-registered client\'s secret (sent as client_secret_basic or client_secret_post, whichever the server lists); needs --client-id')
    .option('--client-metadata-url <url>', 'an https Client ID Metadata Document URL to use as client_id when the server supports CIMD')
    .option('--protocol <revision>', 'MCP protocol revision: 2026-07-28 (stateless, default) or 2025-11-25 (initialize + session)', parseProtocol)
    .option('--scope <scopes>', 'scopes to request (space separated); default: what the server advertises')
    .option('--tool <name>', 'tool to call after connecting (default: whoami if the server has it); a tool needing more scope than granted steps up (re-authorizes with the scope it asks for)')
    .option('--args <json>', 'the tool\'s arguments as a JSON object, e.g. \'{"text": "hello"}\'')
    .option('--callback-port <port>', 'port of the loopback OAuth callback on 127.0.0.1 (default: a free port)', parsePort)
    .option('--timeout <duration>', 'deadline of each HTTP request to the MCP server and AuthPlane, e.g. 10s or 2m (default 30s); a server that does not answer in full by then fails the run', timeoutFlag)
    .option('--show-token', 'print the raw access token (it is a credential: keep it out of logs)')
    .option('--json', 'print JSON instead of text');
  cmd.action(
    run<{ clientId?: string; clientSecret?: string; clientMetadataUrl?: string; protocol?: McpProtocol; scope?: string; tool?: string; args?: string; callbackPort?: number; timeout?: number; showToken?: boolean }>(async (ctx, mcpUrl) => {
      if (ctx.opts.clientSecret !== undefined && ctx.opts.clientId === undefined) throw usageError('--client-secret belongs to a pre-registered client: pass --client-id too');
      const toolArgs = ctx.opts.args === undefined ? undefined : await parseToolArgs(ctx.opts.args);
      const [{ connect }, { audiences }] = await Promise.all([import('../../connect'), import('../../contracts/common')]);
      const result = await connect({
        mcpUrl: mcpUrl!,
        clientId: ctx.opts.clientId,
        clientSecret: ctx.opts.clientSecret,
        clientMetadataUrl: ctx.opts.clientMetadataUrl,
        protocol: ctx.opts.protocol,
        scope: ctx.opts.scope,
        tool: ctx.opts.tool,
        toolArgs,
        callbackPort: ctx.opts.callbackPort,
        requestTimeoutMs: ctx.opts.timeout === undefined ? undefined : ctx.opts.timeout * 1000,
        onConsentUrl: (url) => process.stderr.write(`Approve the request in the AuthPlane window, or open its consent page:\n  ${url}\nWaiting for the decision...\n`),
      });
      const { access_token, refresh_token, ...rest } = result.tokens;
      if (ctx.json) {
        printJson(ctx.out, { client_id: result.clientId, protocol: result.protocol, token: { ...rest, ...(ctx.opts.showToken ? { access_token, refresh_token } : {}) }, claims: result.claims, tools: result.tools, tool_result: result.toolResult });
        return;
      }
      const lines = [
        `connected to ${mcpUrl} as client ${result.clientId} (MCP ${result.protocol})`,
        accessTokenLine(result.claims, rest, audiences),
        `refresh token ${refresh_token ? 'issued' : 'not issued'}`,
        `tools         ${result.tools.join(', ') || '(none)'}`,
      ];
      if (result.toolResult) {
        const content = (result.toolResult as { content?: Array<{ type: string; text?: string }> }).content ?? [];
        lines.push(`tool result   ${content.map((x) => x.text ?? `[${x.type}]`).join(' ')}`);
      }
      if (ctx.opts.showToken) lines.push(`access_token  ${access_token}`);
      ctx.out.stdout(lines.join('\n') + '\n');
    }),
  );
  return cmd;
}

/** What the token says: its JWT claims, or for an opaque token what the token response said. */
function accessTokenLine(c: Record<string, unknown>, response: { scope?: string; expires_in?: number }, audiences: (aud: unknown) => string[]): string {
  if (typeof c.exp !== 'number') {
    const expires = typeof response.expires_in === 'number' ? ` expires_in=${response.expires_in}s` : '';
    return `access token  opaque (not a JWT) scope="${response.scope ?? ''}"${expires}`;
  }
  return `access token  aud=${audiences(c.aud).join(',')} sub=${String(c.sub)} scope="${String(c.scope)}" jti=${String(c.jti)} expires=${new Date(c.exp * 1000).toISOString()}`;
}
