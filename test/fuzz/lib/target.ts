/**
 * The fuzz target: a real AuthPlane server (startServer, as `authserver serve` runs it, UI
 * included) in its own process, so the fuzzer can watch it stay alive and measure its memory.
 *
 * argv: <dataDir> <rendererDir>. Prints one JSON line on stdout when ready:
 *   {"issuer","port","adminToken","pid","interaction","csrf","clientSecret","hostileInteraction","hostileCsrf","uiCookie"}
 * On SIGUSR2 it runs the GC (node --expose-gc) and prints {"memory": process.memoryUsage()}.
 * FUZZ_REQUEST_TIMEOUT_MS / FUZZ_HEADERS_TIMEOUT_MS shorten the slow-client timeouts so slow
 * bodies can be tested in seconds (the production values are checked separately).
 */
import { writeSync } from 'node:fs';
import { startServer } from '../../../server/app';
import { createLogger } from '../../../server/log';
import { createUiSession } from '../../../server/ui/index';
import { redeemLoginToken, sessionCookieName } from '../../../server/ui/session';

const [dataDir, rendererDir] = process.argv.slice(2) as [string, string];
const log = createLogger({ level: 'warn', write: (line) => process.stderr.write(line + '\n') });
const server = await startServer({
  dataDir,
  port: 0,
  consent: 'prompt',
  durability: 'os',
  log,
  ui: { rendererDir },
});
if (process.env.FUZZ_REQUEST_TIMEOUT_MS) server.http.requestTimeout = Number(process.env.FUZZ_REQUEST_TIMEOUT_MS);
if (process.env.FUZZ_HEADERS_TIMEOUT_MS) server.http.headersTimeout = Number(process.env.FUZZ_HEADERS_TIMEOUT_MS);

const s = server.services;
await s.resources.create({ slug: 'mcp-a', uri: 'http://127.0.0.1:9/mcp', display_name: 'MCP A', scopes: [{ name: 'read', description: 'Read' }, { name: 'write', description: 'Write' }] });
await s.clients.create({ client_name: 'agent', client_id: 'agent', redirect_uris: ['http://127.0.0.1:8765/callback'], grant_types: ['authorization_code', 'refresh_token'], token_endpoint_auth_method: 'none' });
const conf = await s.clients.create({ client_name: 'backend', client_id: 'backend', redirect_uris: ['http://127.0.0.1:8765/callback'], grant_types: ['authorization_code', 'refresh_token', 'client_credentials'], token_endpoint_auth_method: 'client_secret_basic' });
// A pending consent prompt, so the consent page and its POST are reachable with real ids.
const interaction = s.interactions.start(
  { client: s.clients.get('agent')!, resource: s.resources.get('mcp-a')!, redirectUri: 'http://127.0.0.1:8765/callback', scopes: ['read', 'write'], state: 'fuzz', codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM' },
  [],
);

// A client whose registered redirect URI carries `&error=%FF` in its path (it once made the activity
// recorder throw after the answer), with its own pending consent prompt.
await s.clients.create({ client_name: 'hostile', client_id: 'hostile', redirect_uris: ['http://127.0.0.1:8765/cb&error=%FF'], grant_types: ['authorization_code'], token_endpoint_auth_method: 'none' });
const hostile = s.interactions.start(
  { client: s.clients.get('hostile')!, resource: s.resources.get('mcp-a')!, redirectUri: 'http://127.0.0.1:8765/cb&error=%FF', scopes: ['read'], state: 'fuzz', codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM' },
  [],
);

// A signed-in UI session: its cookie authenticates the admin API like the token does.
const uiSession = redeemLoginToken(createUiSession(server.issuer).token, server.issuer, server.port)!;

const print = (v: unknown) => writeSync(1, JSON.stringify(v) + '\n');
process.on('SIGUSR2', () => {
  (globalThis as { gc?: () => void }).gc?.();
  print({ memory: process.memoryUsage() });
});
process.on('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
print({ issuer: server.issuer, port: server.port, adminToken: server.adminToken, pid: process.pid, interaction: interaction.uid, csrf: interaction.csrf, clientSecret: conf.client_secret, hostileInteraction: hostile.uid, hostileCsrf: hostile.csrf, uiCookie: `${sessionCookieName(server.port)}=${uiSession}` });
