/**
 * Ids that are URLs through the CLI, both ways it reaches the state: a running server's admin
 * API (the id percent-encoded into one path segment, decoded by the route) and the data dir
 * directly. The client is a real CIMD client: the server fetched its metadata document when an
 * authorization named it, and auto consent recorded a grant for it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveLoopback } from '../interop/helpers';
import { buildCli, cliEnv, removeBuild, runCli, startServe, tempDir, type ServeProcess } from './helpers';

let cli: string;
let env: NodeJS.ProcessEnv;
let docs: Awaited<ReturnType<typeof serveLoopback>>;
let docsBase = '';
const running: ServeProcess[] = [];

const REDIRECT = 'http://127.0.0.1:9/callback';

beforeAll(async () => {
  cli = await buildCli();
  env = cliEnv(await tempDir('authplane-cli-home-'));
  // Serves a metadata document for any path: its client_id is the URL it was fetched from.
  docs = await serveLoopback((req, res, origin) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ client_id: `${origin}${req.url}`, client_name: 'URL Agent', redirect_uris: [REDIRECT] }));
  });
  docsBase = docs.origin;
}, 60_000);
afterAll(async () => {
  for (const s of running) await s.stop();
  await docs?.close();
  if (cli) await removeBuild(cli);
});

const cmd = (args: string[]) => runCli(cli, args, { env });

/** Starts a server on a fresh data dir and has it meet a CIMD client through /oauth/authorize. */
async function serveWithCimdClient(clientId: string): Promise<{ dir: string; s: ServeProcess }> {
  const dir = await tempDir();
  const s = await startServe(cli, ['--port', '0', '--data-dir', dir, '--seed', 'resources/seeds/single-mcp.yaml', '--consent', 'auto', '--log-level', 'error'], env);
  running.push(s);
  const q = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: REDIRECT, scope: 'read', resource: 'mcp-a', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256', state: 'st' });
  const r = await fetch(`${s.issuer}/oauth/authorize?${q}`, { redirect: 'manual' });
  expect(r.status).toBe(303);
  expect(new URL(r.headers.get('location')!).searchParams.get('code')).toBeTruthy();
  return { dir, s };
}

/** show, consent list, update, consent revoke, delete: every command that puts the id in a path or query. */
async function exercise(dir: string, clientId: string): Promise<void> {
  const dd = ['--data-dir', dir, '--json'];
  const shown = await cmd(['admin', 'client', 'show', clientId, ...dd]);
  expect(shown.stderr).toBe('');
  expect(JSON.parse(shown.stdout)).toMatchObject({ client_id: clientId, client_name: 'URL Agent', registration_source: 'cimd', redirect_uris: [REDIRECT] });
  const grants = await cmd(['admin', 'consent', 'list', '--client', clientId, ...dd]);
  expect(grants.code).toBe(0);
  const [grant] = JSON.parse(grants.stdout) as Array<{ id: string; client_id: string; scopes: string[] }>;
  expect(grant).toMatchObject({ client_id: clientId, scopes: ['read'] });
  const suspended = await cmd(['admin', 'client', 'update', clientId, '--status', 'suspended', ...dd]);
  expect(suspended.stderr).toBe('');
  expect(JSON.parse(suspended.stdout)).toMatchObject({ client_id: clientId, status: 'suspended' });
  const revoked = await cmd(['admin', 'consent', 'revoke', grant!.id, ...dd]);
  expect(revoked.stderr).toBe('');
  expect(JSON.parse(revoked.stdout)).toMatchObject({ id: grant!.id, client_id: clientId });
  const deleted = await cmd(['admin', 'client', 'delete', clientId, ...dd]);
  expect(deleted).toEqual({ code: 0, stdout: `${JSON.stringify({ deleted: true, client_id: clientId }, null, 2)}\n`, stderr: '' });
  const gone = await cmd(['admin', 'client', 'show', clientId, '--data-dir', dir]);
  expect(gone.code).toBe(1);
  expect(gone.stderr).toBe(`authserver client show: client "${clientId}" not found\n`);
}

// A path, a query, an encoded space and a literal "%2F": decoded once, never twice, never split.
const ids = (name: string) => [`${docsBase}/agents/${name}.json`, `${docsBase}/agents/${name}%2Fv2.json?tenant=a%20b&x=1`];

describe('client ids that are URLs', { timeout: 120_000 }, () => {
  it('while a server runs: the CLI encodes them into the admin API path and the routes decode them', async () => {
    for (const clientId of ids('http-mode')) {
      const { dir } = await serveWithCimdClient(clientId);
      await exercise(dir, clientId);
    }
  });

  it('with no server: the CLI finds them in the data dir', async () => {
    for (const clientId of ids('direct-mode')) {
      const { dir, s } = await serveWithCimdClient(clientId);
      await s.stop();
      const status = await cmd(['admin', 'status', '--data-dir', dir, '--json']);
      expect(JSON.parse(status.stdout)).toMatchObject({ running: false });
      await exercise(dir, clientId);
    }
  });
});
