/**
 * Example MCP server protected by AuthPlane: the real MCP SDK (McpServer + stateless
 * StreamableHTTPServerTransport) behind the SDK's own requireBearerAuth, fed by our verifier.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import { localhostHostValidation } from '@modelcontextprotocol/sdk/server/middleware/hostHeaderValidation.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import express, { type RequestHandler } from 'express';
import { createResourceVerifier, expressMcpCors, mcpTokenVerifier, mountProtectedResourceMetadata, prmUrl } from '../../server/sdk';
import { toolScopeGate } from './scope-gate';
import { buildMcpServer, TOOL_SCOPES, type NoteStore } from './tools';

export interface ExampleMcpServerOptions {
  /** AuthPlane issuer, e.g. http://127.0.0.1:9000. */
  issuer: string;
  /**
   * The resource URI as registered in AuthPlane. A function receives the listening origin, so
   * port 0 works (default: `${origin}/mcp`). Its path is where the MCP endpoint is mounted.
   */
  resource?: string | ((origin: string) => string);
  port?: number;
  host?: string;
  /** The verifier's clock (ms since the epoch; tests move it past the JWKS cache's max-age). */
  now?: () => number;
}

export interface ExampleMcpServer {
  /** The MCP endpoint (equal to the resource URI). */
  url: string;
  resource: string;
  prmUrl: string;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export async function startExampleMcpServer(opts: ExampleMcpServerOptions): Promise<ExampleMcpServer> {
  const host = opts.host ?? '127.0.0.1';
  // Listen first: with port 0 the resource URI (and so every token's aud) depends on the port.
  const http: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const resource = typeof opts.resource === 'string' ? opts.resource : (opts.resource ?? ((o) => `${o}/mcp`))(origin);

  http.on('request', buildApp(opts.issuer, resource, host, opts.now));
  return {
    url: resource,
    resource,
    prmUrl: prmUrl(resource),
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

function buildApp(issuer: string, resource: string, host: string, now?: () => number): express.Express {
  const app = express();
  // DNS-rebinding protection: a web page must not be able to reach a loopback server by name.
  if (LOOPBACK.has(host)) app.use(localhostHostValidation());

  const prm = mountProtectedResourceMetadata(app, { resource, issuer, scopes: ['read', 'write'], resourceName: 'AuthPlane example notes' });
  const verifier = createResourceVerifier({ issuer, resource, now });
  const notes: NoteStore = new Map();
  const path = new URL(resource).pathname;

  app.all(
    path,
    // CORS first: a browser's preflight carries no token and must not meet the 401.
    expressMcpCors(),
    requireBearerAuth({ verifier: mcpTokenVerifier(verifier), resourceMetadataUrl: prm.url }),
    express.json({ limit: '1mb' }),
    toolScopeGate(TOOL_SCOPES, prm.url),
    mcpHandler(notes, resource),
  );
  return app;
}

/** Stateless: a fresh server + transport per POST; GET (SSE) and DELETE (sessions) are not offered. */
function mcpHandler(notes: NoteStore, resource: string): RequestHandler {
  return async (req, res) => {
    if (req.method !== 'POST') {
      res.status(405).set('Allow', 'POST').json({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed.' }, id: null });
      return;
    }
    const server = buildMcpServer(notes, resource);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  };
}
