/** A real AuthPlane server on 127.0.0.1:0 with a temp data dir, for integration tests. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer, type StartOptions } from '../../server/app';
import { silentLogger } from '../../server/log';

export interface TestServer extends RunningServer {
  dataDir: string;
  /** fetch relative to the issuer. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  admin(path: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<void>;
}

export async function tempDir(prefix = 'authplane-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function startTestServer(opts: Partial<StartOptions> = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? (await tempDir());
  const server = await startServer({ port: 0, consent: 'auto', durability: 'os', log: silentLogger, ...opts, dataDir });
  return {
    ...server,
    dataDir,
    fetch: (path, init) => fetch(server.issuer + path, init),
    admin: (path, init) =>
      fetch(server.issuer + '/admin/api' + path, {
        ...init,
        headers: { authorization: `Bearer ${server.adminToken}`, ...(init?.body ? { 'content-type': 'application/json' } : {}), ...(init?.headers as Record<string, string>) },
      }),
    stop: async () => {
      await server.close();
      if (!opts.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The seed topology: resource mcp-a (read, write) and a public client. */
export async function seedSingleMcp(s: RunningServer, uri = 'http://127.0.0.1:3001/mcp') {
  const resource = await s.services.resources.create({ slug: 'mcp-a', uri, display_name: 'MCP A', scopes: [{ name: 'read', description: 'Read access' }, { name: 'write', description: 'Write access' }] });
  const client = await s.services.clients.create({ client_name: 'my-agent', client_id: 'my-agent', redirect_uris: ['http://127.0.0.1:8765/callback'], grant_types: ['authorization_code', 'refresh_token'], token_endpoint_auth_method: 'none' });
  return { resource, client };
}
