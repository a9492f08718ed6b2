/**
 * Example MCP server protected by AuthPlane. By default MCP 2026-07-28 on SDK v2 (sdk2.ts);
 * `protocol: '2025-11-25'` serves the session-era protocol on SDK 1.x (sdk1.ts). Either way the
 * endpoint is stateless and every request's token is verified: CORS first (a browser's preflight
 * carries no token), then bearer auth, then the per-tool scope gate, then the MCP handler.
 */
import { localhostHostValidation } from '@modelcontextprotocol/sdk/server/middleware/hostHeaderValidation.js';
import express from 'express';
import { DEFAULT_MCP_PROTOCOL, type McpProtocol } from '../../server/contracts/mcpProtocol';
import { createResourceVerifier, expressMcpCors, mountProtectedResourceMetadata, prmUrl } from '../../server/sdk';
import { listenForResource } from './listen';
import { toolScopeGate } from './scope-gate';
import { sdk1Auth, sdk1Handler } from './sdk1';
import { sdk2Auth, sdk2Handler } from './sdk2';
import { TOOL_SCOPES, type NoteStore } from './tools';

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
  /** MCP protocol revision (default 2026-07-28, SDK v2; 2025-11-25 uses SDK 1.x). */
  protocol?: McpProtocol;
  /** The verifier's clock (ms since the epoch; tests move it past the JWKS cache's max-age). */
  now?: () => number;
}

export interface ExampleMcpServer {
  /** The MCP endpoint (equal to the resource URI). */
  url: string;
  resource: string;
  prmUrl: string;
  protocol: McpProtocol;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export async function startExampleMcpServer(opts: ExampleMcpServerOptions): Promise<ExampleMcpServer> {
  const protocol = opts.protocol ?? DEFAULT_MCP_PROTOCOL;
  const { http, host, resource, close: closeHttp } = await listenForResource(opts);

  const { app, close } = buildApp({ issuer: opts.issuer, resource, host, protocol, now: opts.now });
  http.on('request', app);
  return {
    url: resource,
    resource,
    prmUrl: prmUrl(resource),
    protocol,
    close: async () => {
      await close();
      await closeHttp();
    },
  };
}

function buildApp(o: { issuer: string; resource: string; host: string; protocol: McpProtocol; now?: () => number }): { app: express.Express; close(): Promise<void> } {
  const app = express();
  // DNS-rebinding protection: a web page must not be able to reach a loopback server by name.
  if (LOOPBACK.has(o.host)) app.use(localhostHostValidation());

  const prm = mountProtectedResourceMetadata(app, { resource: o.resource, issuer: o.issuer, scopes: ['read', 'write'], resourceName: 'AuthPlane example notes' });
  const verifier = createResourceVerifier({ issuer: o.issuer, resource: o.resource, now: o.now });
  const notes: NoteStore = new Map();
  const path = new URL(o.resource).pathname;
  const gate = [express.json({ limit: '1mb' }), toolScopeGate(TOOL_SCOPES, prm.url)];

  if (o.protocol === '2025-11-25') {
    app.all(path, expressMcpCors(), sdk1Auth(verifier, prm.url), ...gate, sdk1Handler(notes, o.resource));
    return { app, close: async () => undefined };
  }
  const { handler, mcp } = sdk2Handler(notes, o.resource);
  app.all(path, expressMcpCors(), sdk2Auth(verifier, prm.url), ...gate, handler);
  return { app, close: () => mcp.close() };
}
