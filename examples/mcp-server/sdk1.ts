/**
 * MCP 2025-11-25 with SDK 1.x: McpServer + a stateless StreamableHTTPServerTransport per POST,
 * behind the SDK's own requireBearerAuth fed by our verifier (mcpTokenVerifier).
 */
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { RequestHandler } from 'express';
import { mcpTokenVerifier, type ResourceVerifier } from '../../server/sdk';
import { SERVER_INFO, toolDefinitions, type NoteStore } from './tools';

export function sdk1Auth(verifier: ResourceVerifier, resourceMetadataUrl: string): RequestHandler {
  return requireBearerAuth({ verifier: mcpTokenVerifier(verifier), resourceMetadataUrl });
}

export function buildSdk1Server(notes: NoteStore, resource: string): McpServer {
  const server = new McpServer(SERVER_INFO);
  for (const t of toolDefinitions(notes, resource)) {
    server.registerTool(t.name, { description: t.description, inputSchema: t.inputSchema }, async (args, extra) => t.run(args, extra.authInfo));
  }
  return server;
}

/** Stateless: a fresh server + transport per POST; GET (SSE) and DELETE (sessions) are not offered. */
export function sdk1Handler(notes: NoteStore, resource: string): RequestHandler {
  return statelessSdk1Handler(() => buildSdk1Server(notes, resource));
}

/** An SDK 1.x McpServer served statelessly: `build` makes a fresh one for each POST. */
export function statelessSdk1Handler(build: () => McpServer): RequestHandler {
  return async (req, res) => {
    if (req.method !== 'POST') {
      res.status(405).set('Allow', 'POST').json({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed.' }, id: null });
      return;
    }
    const server = build();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  };
}
