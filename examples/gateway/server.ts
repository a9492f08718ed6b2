/**
 * Example MCP gateway (the mcp-gateway-mint topology): an MCP server the agent connects to,
 * protected by AuthPlane like any other, whose tools forward to a hidden MCP server. For each
 * forwarded call the gateway exchanges the user's token (RFC 8693, as its own confidential
 * client) for one bound to the hidden server, then calls it with the official MCP SDK client.
 * The agent never sees the hidden server's URI or a token for it.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { localhostHostValidation } from '@modelcontextprotocol/sdk/server/middleware/hostHeaderValidation.js';
import express from 'express';
import { z } from 'zod';
import { createResourceVerifier, exchangeToken, expressMcpCors, mcpTokenVerifier, mountProtectedResourceMetadata, prmUrl, TokenExchangeError } from '../../server/sdk';
import { listenForResource } from '../mcp-server/listen';
import { toolScopeGate } from '../mcp-server/scope-gate';
import { statelessSdk1Handler } from '../mcp-server/sdk1';

export interface GatewayOptions {
  /** AuthPlane issuer. */
  issuer: string;
  /** The hidden MCP server (its resource URI, registered in AuthPlane, is also its endpoint). */
  hiddenUrl: string;
  /** The gateway's own confidential client (token-exchange grant). */
  clientId: string;
  clientSecret: string;
  /** The gateway's resource URI; default `${origin}/mcp` once listening (port 0 works). */
  resource?: string | ((origin: string) => string);
  port?: number;
  host?: string;
  /** The gateway's scopes (the agent's consent screen), default read, write. */
  scopes?: string[];
}

export interface Gateway {
  url: string;
  resource: string;
  prmUrl: string;
  close(): Promise<void>;
}

/** The forwarded tools and the gateway scope each needs (the fronting link maps them onward). */
const FORWARDED: Readonly<Record<string, readonly string[]>> = { read_note: ['read'], write_note: ['write'], whoami: [] };

export async function startGateway(opts: GatewayOptions): Promise<Gateway> {
  const { http, host, resource, close } = await listenForResource(opts);
  http.on('request', buildApp(opts, resource, host));
  return { url: resource, resource, prmUrl: prmUrl(resource), close };
}

function buildApp(opts: GatewayOptions, resource: string, host: string): express.Express {
  const app = express();
  if (['127.0.0.1', 'localhost', '::1'].includes(host)) app.use(localhostHostValidation());
  const prm = mountProtectedResourceMetadata(app, { resource, issuer: opts.issuer, scopes: opts.scopes ?? ['read', 'write'], resourceName: 'AuthPlane example gateway' });
  const verifier = createResourceVerifier({ issuer: opts.issuer, resource });
  app.all(
    new URL(resource).pathname,
    expressMcpCors(),
    requireBearerAuth({ verifier: mcpTokenVerifier(verifier), resourceMetadataUrl: prm.url }),
    express.json({ limit: '1mb' }),
    toolScopeGate(FORWARDED, prm.url),
    statelessSdk1Handler(() => buildGatewayServer(opts)),
  );
  return app;
}

function buildGatewayServer(opts: GatewayOptions): McpServer {
  const server = new McpServer({ name: 'authplane-example-gateway', version: '0.1.0' });
  const forward = (tool: string) => async (args: Record<string, unknown>, extra: { authInfo?: AuthInfo }) => forwardCall(opts, extra.authInfo, tool, args);
  server.registerTool('whoami', { description: 'Ask the hidden server who it sees: the user as subject, this gateway in act.' }, (extra) => forward('whoami')({}, extra));
  server.registerTool('read_note', { description: 'Read a note on the hidden server (needs "read").', inputSchema: { name: z.string().default('default') } }, (args, extra) => forward('read_note')(args, extra));
  server.registerTool('write_note', { description: 'Write a note on the hidden server (needs "write").', inputSchema: { name: z.string().default('default'), text: z.string() } }, (args, extra) => forward('write_note')(args, extra));
  return server;
}

/** Exchange the caller's token for the hidden server, call the same tool there, return its result. */
async function forwardCall(opts: GatewayOptions, auth: AuthInfo | undefined, tool: string, args: Record<string, unknown>) {
  if (!auth) return failure('no authenticated caller');
  let hiddenToken: string;
  try {
    hiddenToken = (await exchangeToken({ issuer: opts.issuer, clientId: opts.clientId, clientSecret: opts.clientSecret, subjectToken: auth.token, resource: opts.hiddenUrl })).access_token;
  } catch (err) {
    return failure(err instanceof TokenExchangeError ? `token exchange refused: ${err.error}: ${err.errorDescription}` : `token exchange failed: ${(err as Error).message}`);
  }
  const client = new Client({ name: 'authplane-example-gateway', version: '0.1.0' });
  const transport = new StreamableHTTPClientTransport(new URL(opts.hiddenUrl), { requestInit: { headers: { authorization: `Bearer ${hiddenToken}` } } });
  try {
    await client.connect(transport);
    return (await client.callTool({ name: tool, arguments: args })) as { content: Array<{ type: 'text'; text: string }>; isError?: boolean };
  } catch (err) {
    return failure(`the hidden server refused the call: ${(err as Error).message}`);
  } finally {
    await client.close().catch(() => undefined);
  }
}

function failure(message: string) {
  return { content: [{ type: 'text' as const, text: message }], isError: true };
}
