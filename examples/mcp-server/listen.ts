/**
 * Listening for an example MCP server (the notes server and the gateway). The listening socket
 * comes first: with port 0 the resource URI, and so every token's `aud`, depends on the port.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Listening {
  http: Server;
  host: string;
  /** The resource URI: as given, or built from the bound origin (default `${origin}/mcp`). */
  resource: string;
  /** Ends every open connection, then the listener. */
  close(): Promise<void>;
}

export async function listenForResource(o: { host?: string; port?: number; resource?: string | ((origin: string) => string) }): Promise<Listening> {
  const host = o.host ?? '127.0.0.1';
  const http: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(o.port ?? 0, host, () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const resource = typeof o.resource === 'string' ? o.resource : (o.resource ?? ((x) => `${x}/mcp`))(origin);
  const close = () =>
    new Promise<void>((resolve) => {
      http.closeAllConnections();
      http.close(() => resolve());
    });
  return { http, host, resource, close };
}
