/**
 * MCP 2026-07-28 with SDK v2: `createMcpHandler` (stateless, a fresh McpServer per request; it
 * also answers 2025-era clients through its stateless legacy fallback) behind our Express
 * bearer adapter. The verified RequestAuth is structurally the SDK's AuthInfo, so tools read it
 * as `ctx.http.authInfo`.
 */
import { createMcpHandler, McpServer, type McpHttpHandler } from '@modelcontextprotocol/server';
import type { RequestHandler } from 'express';
import { expressAuth, expressBearerAuth, type ResourceVerifier } from '../../server/sdk';
import { SERVER_INFO, toolDefinitions, type NoteStore } from './tools';
import { sendWebResponse, toWebRequest } from './web-bridge';

export function sdk2Auth(verifier: ResourceVerifier, resourceMetadataUrl: string): RequestHandler {
  return expressBearerAuth(verifier, { resourceMetadataUrl });
}

export function buildSdk2Server(notes: NoteStore, resource: string): McpServer {
  const server = new McpServer(SERVER_INFO, { capabilities: { tools: {} } });
  for (const t of toolDefinitions(notes, resource)) {
    server.registerTool(t.name, { description: t.description, inputSchema: t.inputSchema }, async (args, ctx) => t.run(args, ctx.http?.authInfo));
  }
  return server;
}

export function sdk2Handler(notes: NoteStore, resource: string): { handler: RequestHandler; mcp: McpHttpHandler } {
  const mcp = createMcpHandler(() => buildSdk2Server(notes, resource));
  const handler: RequestHandler = async (req, res, next) => {
    try {
      const response = await mcp.fetch(toWebRequest(req), { authInfo: expressAuth(req), parsedBody: req.body });
      await sendWebResponse(res, response);
    } catch (err) {
      next(err);
    }
  };
  return { handler, mcp };
}
