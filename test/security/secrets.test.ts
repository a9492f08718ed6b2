/**
 * Secrets at rest and in logs. After a server has issued every kind of secret (admin-created and
 * DCR client secrets, codes, PKCE verifiers, access and refresh tokens, rotated ones too), none
 * of them may be found, byte for byte, in any file of the data dir or in the server's output
 * (at debug level): client secrets, codes and refresh tokens are kept as SHA-256 hashes, access
 * tokens are not stored at all (only their jti). Key files and the admin token are 0600, the
 * data dir 0700. The log redaction catches what a careless log line would leak.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redact } from '../../server/log';
import { buildCli, cliEnv, removeBuild, startServe, tempDir, runCli } from '../cli/helpers';
import { decodeJwtPayload, form, request } from '../reliability/lib/http';
import { writeSeed } from '../reliability/lib/serve';

let cli: string;
let home: string;
beforeAll(async () => {
  cli = await buildCli();
  home = await tempDir('authplane-secrets-home-');
});
afterAll(async () => {
  if (cli) await removeBuild(cli);
});

const sha256hex = (s: string) => createHash('sha256').update(s).digest('hex');

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fsp.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(p, ...(await walk(p)));
    else out.push(p);
  }
  return out;
}

describe('secrets at rest and in logs', () => {
  it('no raw secret in any data file or in the server output; hashes where a secret must be checked later', async () => {
    const dir = await tempDir();
    const seed = await writeSeed(dir);
    const data = path.join(dir, 'data');
    const s = await startServe(cli, ['--port', '0', '--data-dir', data, '--consent', 'auto', '--user', 'dev-user', '--seed', seed, '--log-level', 'debug'], cliEnv(home));
    const iss = s.issuer;
    const adminToken = (await fsp.readFile(path.join(data, 'admin-token'), 'utf8')).trim();
    const admin = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
    const secrets: Record<string, string[]> = { 'client secret': [], code: [], code_verifier: [], 'access token': [], 'access token signature': [], 'refresh token': [] };
    const post = (p: string, body: Record<string, string>, headers: Record<string, string> = {}) => request(`${iss}${p}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: form(body) });
    const keep = (json: { access_token?: string; refresh_token?: string }) => {
      if (json.access_token) {
        secrets['access token']!.push(json.access_token);
        secrets['access token signature']!.push(json.access_token.split('.')[2]!);
      }
      if (json.refresh_token) secrets['refresh token']!.push(json.refresh_token);
    };

    // Confidential clients: one created by the admin, one registered dynamically.
    const created = JSON.parse((await request(`${iss}/admin/api/clients`, { method: 'POST', headers: admin, body: JSON.stringify({ client_name: 'backend', client_id: 'backend', redirect_uris: ['http://127.0.0.1:8765/callback'], grant_types: ['authorization_code', 'refresh_token', 'client_credentials'], token_endpoint_auth_method: 'client_secret_basic' }) })).text);
    secrets['client secret']!.push(created.client_secret);
    const dcr = JSON.parse((await request(`${iss}/oauth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_name: 'dcr', redirect_uris: ['http://127.0.0.1:8765/callback'], token_endpoint_auth_method: 'client_secret_post', grant_types: ['authorization_code', 'refresh_token'] }) })).text);
    secrets['client secret']!.push(dcr.client_secret);
    expect(secrets['client secret']!.every(Boolean)).toBe(true);

    // Code flows (public, Basic, post), each refreshed twice.
    for (const [clientId, auth] of [['agent', {}], ['backend', { headers: { authorization: `Basic ${Buffer.from(`backend:${created.client_secret}`).toString('base64')}` } }], [dcr.client_id, { body: { client_secret: dcr.client_secret } }]] as const) {
      const verifier = randomBytes(32).toString('base64url');
      secrets.code_verifier!.push(verifier);
      const q = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: 'http://127.0.0.1:8765/callback', scope: 'read', resource: 'http://127.0.0.1:3001/mcp', code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256', state: 'x' });
      const a = await request(`${iss}/oauth/authorize?${q}`);
      const code = new URL(a.headers.location!).searchParams.get('code')!;
      secrets.code!.push(code);
      const extra: Record<string, string> = 'body' in auth ? auth.body : {};
      const headers: Record<string, string> = 'headers' in auth ? auth.headers : {};
      const t = await post('/oauth/token', { grant_type: 'authorization_code', code, code_verifier: verifier, client_id: clientId, redirect_uri: 'http://127.0.0.1:8765/callback', ...extra }, headers);
      expect(t.status, t.text).toBe(200);
      let tok = JSON.parse(t.text);
      keep(tok);
      for (let i = 0; i < 2; i++) {
        const r = await post('/oauth/token', { grant_type: 'refresh_token', refresh_token: tok.refresh_token, client_id: clientId, ...extra }, headers);
        expect(r.status).toBe(200);
        tok = JSON.parse(r.text);
        keep(tok);
      }
      // Reuse of a code (revokes), introspection and revocation see the tokens too.
      await post('/oauth/token', { grant_type: 'authorization_code', code, code_verifier: verifier, client_id: clientId, ...extra }, headers);
      await post('/oauth/introspect', { token: tok.access_token }, { authorization: `Bearer ${adminToken}` });
      await post('/oauth/revoke', { token: tok.refresh_token, client_id: clientId, ...extra }, headers);
    }
    const cc = await post('/oauth/token', { grant_type: 'client_credentials', resource: 'http://127.0.0.1:3001/mcp', scope: 'read' }, { authorization: `Basic ${Buffer.from(`backend:${created.client_secret}`).toString('base64')}` });
    keep(JSON.parse(cc.text));
    // Failing requests that carry secrets, the kind that end up in error logs.
    await post('/oauth/token', { grant_type: 'refresh_token', refresh_token: secrets['refresh token']![0]!, client_id: 'agent' });
    await request(`${iss}/oauth/authorize?code=${secrets.code![0]}&access_token=${secrets['access token']![0]}`);
    await request(`${iss}/admin/api/issuances?token=${adminToken}`, { headers: { authorization: `Bearer ${secrets['access token']![0]}` } });
    await runCli(cli, ['admin', 'issuance', 'list', '--data-dir', data, '--limit', '5'], { env: cliEnv(home) });
    expect(await s.stop('SIGTERM')).toBe(0);

    // 1. The data dir: no raw secret anywhere (binary-safe), the admin token only in its file.
    const files = await walk(data);
    const contents = await Promise.all(files.map(async (f) => ((await fsp.stat(f)).isFile() ? (await fsp.readFile(f)).toString('latin1') : '')));
    for (const [kind, values] of Object.entries(secrets)) {
      expect(values.length, kind).toBeGreaterThan(0);
      for (const v of values) {
        const hit = files.find((_, i) => contents[i]!.includes(v));
        expect(hit, `${kind} found in ${hit}`).toBeUndefined();
      }
    }
    const tokenFiles = files.filter((_, i) => contents[i]!.includes(adminToken)).map((f) => path.relative(data, f));
    expect(tokenFiles).toEqual(['admin-token']);
    // Hashed where the server must recognise it again.
    const clientsJson = await fsp.readFile(path.join(data, 'clients.json'), 'utf8');
    for (const secret of secrets['client secret']!) expect(clientsJson).toContain(sha256hex(secret));
    // The token log: refresh families by hash, access tokens by jti (the issuance row), never the token.
    const segment = await fsp.readFile(path.join(data, 'issuances', 'seg-000001.jsonl'), 'utf8');
    expect(segment).toContain(sha256hex(secrets['refresh token']!.at(-1)!));
    for (const at of secrets['access token']!) expect(segment).toContain(decodeJwtPayload(at).jti as string);

    // 2. The server's output (stdout and stderr at debug level): nothing, not even the admin token.
    const output = s.stdout() + s.stderr();
    for (const [kind, values] of Object.entries({ ...secrets, 'admin token': [adminToken] })) {
      for (const v of values) expect(output.includes(v), `${kind} in the server output`).toBe(false);
    }

    // 3. Permissions: the data dir and its subdirectories 0700, every file 0600.
    if (process.platform !== 'win32') {
      expect((await fsp.stat(data)).mode & 0o777).toBe(0o700);
      for (const f of files) {
        const st = await fsp.stat(f);
        expect(st.mode & 0o777, path.relative(data, f)).toBe(st.isDirectory() ? 0o700 : 0o600);
      }
      for (const f of ['admin-token', 'keys.json']) expect((await fsp.stat(path.join(data, f))).mode & 0o777, f).toBe(0o600);
    }
  }, 60_000);

  it('a corrupt keys.json is reported without quoting the private key', async () => {
    const dir = await tempDir();
    const seed = await writeSeed(dir);
    const data = path.join(dir, 'data');
    const s = await startServe(cli, ['--port', '0', '--data-dir', data, '--seed', seed], cliEnv(home));
    expect(await s.stop('SIGTERM')).toBe(0);
    const file = path.join(data, 'keys.json');
    const text = await fsp.readFile(file, 'utf8');
    const d = (JSON.parse(text) as { rows: Array<{ private_jwk: { d: string } }> }).rows[0]!.private_jwk.d;
    // A damaged byte right where the private key starts: JSON.parse quotes the text around an unexpected token.
    await fsp.writeFile(file, text.replace(`"${d}"`, `@${d}"`));
    const r = await runCli(cli, ['serve', '--port', '0', '--data-dir', data], { env: cliEnv(home) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('keys.json is corrupt');
    for (let i = 0; i + 4 <= d.length; i++) expect(r.stderr, `stderr quotes ${d.slice(i, i + 4)} of the private key`).not.toContain(d.slice(i, i + 4));
  });
});

describe('log redaction', () => {
  it('redacts JWTs, bearer and basic credentials, and token-like parameters in any spelling', () => {
    const jwt = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlc2lnbmF0dXJl';
    const secret = 'S3cr3t-V4lue_0123456789abcdefghij';
    const lines = [
      `GET /cb?code=${secret}&state=x`,
      `refresh_token=${secret}`,
      `client_secret=${secret}&x=1`,
      `Authorization: Bearer ${secret}`,
      `authorization: basic ${Buffer.from(`id:${secret}`).toString('base64')}`,
      `token ${jwt} issued`,
      `{"refresh_token":"${secret}"}`,
      `{"client_secret": "${secret}"}`,
      `{"access_token":"${jwt}"}`,
      `code_verifier=${secret}`,
      `admin_token: ${secret}`,
    ];
    for (const line of lines) {
      const out = redact(line);
      expect(out, line).not.toContain(secret);
      expect(out, line).not.toContain(jwt);
      expect(out, line).not.toContain(Buffer.from(`id:${secret}`).toString('base64'));
    }
  });
});
