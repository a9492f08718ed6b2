#!/usr/bin/env node
/**
 * `npm run interop:claude`: Claude Code (a large proprietary CLI, so not a dependency and not in
 * `npm test`) against AuthPlane, as far as the OAuth part goes without an Anthropic API key.
 *
 * 1. Installs @anthropic-ai/claude-code (CLAUDE_CODE_VERSION, default below) into .cache.
 * 2. Starts `authserver serve --consent prompt` (short access-token lifetime) and the example MCP
 *    server from dist/ (built first if missing), registers the resource and a public client.
 * 3. Pre-registered path: `claude mcp add --transport http --client-id demo-agent --callback-port P
 *    notes URL`, then `claude mcp login notes` in tmux (a real terminal: it is interactive). The
 *    authorization URL it prints is opened in Chromium, where Approve is clicked; Claude's own
 *    loopback listener receives the code. `claude mcp list` must then say Connected.
 * 4. Refresh: waits until the access token has really expired (AuthPlane's issuance log says when),
 *    runs `claude mcp list` again and checks that AuthPlane issued a refresh_token grant.
 * 5. Default path (no --client-id): records which client_id Claude sends and what AuthPlane's
 *    authorization endpoint answers with it, offline; then the same against `serve --no-cimd`,
 *    where Claude registers itself (DCR) and completes the login.
 * Prints each step and a JSON summary; exits 1 if the pre-registered path fails.
 * Needs tmux (installed with apt-get when running as root) and Chromium (CHROMIUM_PATH).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';
import { installCached, ROOT } from './lib/cache.mjs';

const VERSION = process.env.CLAUDE_CODE_VERSION ?? '2.1.332';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ACCESS_TTL_S = 20;
// The example MCP server's verifier allows this much clock skew past `exp`.
const VERIFIER_TOLERANCE_S = 30;
const SESSION = `authplane-claude-${process.pid}`;

const log = (...a) => console.log('interop:claude:', ...a);
const result = { claude_code: VERSION, steps: {} };
const cleanups = [];
const children = [];

function step(name, outcome, detail) {
  result.steps[name] = { outcome, ...(detail ? { detail } : {}) };
  log(`${outcome === 'ok' ? '✓' : outcome === 'note' ? '•' : '✗'} ${name}${detail ? `: ${typeof detail === 'string' ? detail : JSON.stringify(detail)}` : ''}`);
}

/** Polls `probe` until it returns a value (condition-based, bounded by `ms`). */
async function until(what, probe, ms = 60_000, every = 250) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

async function freePort() {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

function ensureTmux() {
  if (spawnSync('tmux', ['-V']).status === 0) return;
  if (process.getuid?.() !== 0) throw new Error('tmux is missing: install it (sudo apt-get install -y tmux) and run again');
  log('installing tmux');
  const r = spawnSync('sh', ['-c', 'apt-get update -qq && apt-get install -y -qq tmux'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('apt-get install tmux failed');
}

function ensureBuild() {
  if (existsSync(join(ROOT, 'dist/cli.js')) && existsSync(join(ROOT, 'dist/example-mcp-server.js'))) return;
  log('building dist/ (npm run build)');
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { stdio: 'inherit', cwd: ROOT });
  if (r.status !== 0) throw new Error('build failed');
}

/** Starts a node script and resolves with its first stdout line matching `re`. */
async function startNode(args, re, what) {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout });
    rl.on('line', (line) => {
      const m = re.exec(line);
      if (m) resolve(m);
    });
    child.once('exit', (code) => reject(new Error(`${what} exited with ${code}: ${err}`)));
  });
}

function claude(bin, home, args, opts = {}) {
  const r = spawnSync(bin, args, { cwd: home, env: claudeEnv(home), encoding: 'utf8', timeout: 120_000, ...opts });
  return { code: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

function claudeEnv(home) {
  const env = { ...process.env, HOME: home, BROWSER: 'true', DISABLE_AUTOUPDATER: '1', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' };
  for (const k of ['ANTHROPIC_API_KEY', 'DISPLAY', 'WAYLAND_DISPLAY', 'NODE_OPTIONS']) delete env[k];
  return env;
}

const tmux = (...args) => spawnSync('tmux', args, { encoding: 'utf8' });
/** The pane's text with wrapped lines joined (a long URL spans several rows). */
const pane = () => tmux('capture-pane', '-p', '-J', '-S', '-200', '-t', SESSION).stdout ?? '';

/** `claude mcp login NAME` in tmux; resolves with the authorization URL it prints. */
async function loginInTmux(bin, home, name) {
  tmux('kill-session', '-t', SESSION);
  const env = claudeEnv(home);
  const exports = ['HOME', 'BROWSER', 'DISABLE_AUTOUPDATER', 'CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC', 'PATH'].map((k) => `${k}='${env[k]}'`).join(' ');
  const r = tmux('new-session', '-d', '-s', SESSION, '-x', '250', '-y', '60', `cd '${home}' && env -u ANTHROPIC_API_KEY ${exports} '${bin}' mcp login ${name} --no-browser; echo "LOGIN-EXITED-$?"; sleep 3600`);
  if (r.status !== 0) throw new Error(`tmux new-session failed: ${r.stderr}`);
  cleanups.push(async () => tmux('kill-session', '-t', SESSION));
  const m = await until('the authorization URL in the tmux pane', () => /(http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\?\S+)/.exec(pane()), 60_000);
  return new URL(m[1]);
}

async function main() {
  ensureTmux();
  ensureBuild();
  log(`installing @anthropic-ai/claude-code@${VERSION} into .cache (first run: ~250 MB)`);
  const pkg = installCached(`claude-code-${VERSION}`, '@anthropic-ai/claude-code', VERSION);
  const bin = join(pkg, 'bin', 'claude.exe');
  const version = claude(bin, tmpdir(), ['--version']).out.trim();
  step('install', version.startsWith(VERSION) ? 'ok' : 'failed', version);

  const home = await mkdtemp(join(tmpdir(), 'authplane-claude-home-'));
  cleanups.push(() => rm(home, { recursive: true, force: true }));
  const { issuer, mcpUrl, admin } = await startStack([]);
  // Claude Code's redirect is http://localhost:<callback-port>/callback: a port-less loopback registration matches any port.
  await admin('/clients', { method: 'POST', body: JSON.stringify({ client_name: 'Claude Code', client_id: 'demo-agent', redirect_uris: ['http://localhost/callback', 'http://127.0.0.1/callback'], token_endpoint_auth_method: 'none' }) });
  log(`AuthPlane ${issuer}, MCP server ${mcpUrl}`);

  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  cleanups.push(() => browser.close());

  // --- Pre-registered client ---
  const callbackPort = await freePort();
  const add = claude(bin, home, ['mcp', 'add', '--transport', 'http', '--client-id', 'demo-agent', '--callback-port', String(callbackPort), 'notes', mcpUrl]);
  step('mcp add --client-id --callback-port', add.code === 0 ? 'ok' : 'failed', add.out.trim().split('\n')[0]);
  await loginAndApprove(bin, home, browser, 'notes', mcpUrl, (p) => p.client_id === 'demo-agent');
  const issued = await admin(`/issuances?client=demo-agent`);
  // (Claude Code refreshes a token that is about to expire before using it: with a 20 s lifetime
  // a refresh_token grant may already follow the authorization_code one.)
  step('token issued', issued.issuances.at(-1)?.grant === 'authorization_code' ? 'ok' : 'failed', issued.issuances.map((i) => `${i.grant} ${i.scope}`));
  const list1 = claude(bin, home, ['mcp', 'list']);
  step('mcp list (authorized)', /notes:.*Connected/.test(list1.out) ? 'ok' : 'failed', list1.out.split('\n').find((l) => l.startsWith('notes:')));

  // --- Refresh after real expiry ---
  const exp = Date.parse(issued.issuances[0].expires_at);
  const refreshesBefore = issued.issuances.filter((i) => i.grant === 'refresh_token').length;
  const wait = Math.max(0, exp + (VERIFIER_TOLERANCE_S + 2) * 1000 - Date.now());
  log(`waiting ${Math.round(wait / 1000)} s for the access token to expire (lifetime ${ACCESS_TTL_S} s + the MCP server's ${VERIFIER_TOLERANCE_S} s tolerance)`);
  await new Promise((r) => setTimeout(r, wait));
  const list2 = claude(bin, home, ['mcp', 'list']);
  const after = await admin(`/issuances?client=demo-agent`);
  const grants = after.issuances.map((i) => i.grant);
  const refreshed = grants.filter((g) => g === 'refresh_token').length > refreshesBefore;
  step('refresh after real expiry (mcp list)', /notes:.*Connected/.test(list2.out) && refreshed ? 'ok' : 'failed', { list: list2.out.split('\n').find((l) => l.startsWith('notes:')), grants });

  // --- Default path: no --client-id ---
  const add2 = claude(bin, home, ['mcp', 'add', '--transport', 'http', 'notes-default', mcpUrl]);
  step('mcp add (default path)', add2.code === 0 ? 'ok' : 'failed');
  try {
    const url2 = await loginInTmux(bin, home, 'notes-default');
    const cid = url2.searchParams.get('client_id');
    const res = await fetch(url2, { redirect: 'manual' });
    const body = res.status >= 400 ? (await res.text()).replace(/<[^>]+>/g, ' ').replace(/&quot;/g, '"').replace(/\s+/g, ' ').trim().slice(0, 700) : '';
    step('default path, CIMD advertised', 'note', { client_id: cid, registration: cid?.startsWith('https://') ? 'Client ID Metadata Document' : 'dynamic registration', authorize_status: res.status, page: body });
  } catch (e) {
    step('default path, CIMD advertised', 'note', `no authorization URL: ${e.message}; pane: ${pane().split('\n').filter((l) => l.trim()).slice(-6).join(' | ')}`);
  }

  // --- Default path against `serve --no-cimd`: Claude falls back to dynamic registration ---
  const offline = await startStack(['--no-cimd']);
  const add3 = claude(bin, home, ['mcp', 'add', '--transport', 'http', 'notes-no-cimd', offline.mcpUrl]);
  step('mcp add (default path, serve --no-cimd)', add3.code === 0 ? 'ok' : 'failed');
  await loginAndApprove(bin, home, browser, 'notes-no-cimd', offline.mcpUrl, (p) => !p.client_id.startsWith('https://'), 'default path, serve --no-cimd');
  const clients = await offline.admin('/clients');
  const dcr = (Array.isArray(clients) ? clients : clients.clients ?? []).filter((c) => c.registration_source === 'dcr');
  step('default path, serve --no-cimd: registered itself', dcr.length === 1 ? 'ok' : 'failed', dcr.map((c) => ({ client_id: c.client_id, client_name: c.client_name, redirect_uris: c.redirect_uris })));
  const list3 = claude(bin, home, ['mcp', 'list']);
  step('default path, serve --no-cimd: mcp list', /notes-no-cimd:.*Connected/.test(list3.out) ? 'ok' : 'failed', list3.out.split('\n').find((l) => l.startsWith('notes-no-cimd:')));
}

/** AuthPlane (`serve --consent prompt`, short access tokens, plus `flags`) and the example MCP server, registered. */
async function startStack(flags) {
  const dataDir = await mkdtemp(join(tmpdir(), 'authplane-claude-data-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const [issuer] = await startNode([join(ROOT, 'dist/cli.js'), 'serve', '--port', '0', '--data-dir', dataDir, '--consent', 'prompt', '--access-token-ttl', `${ACCESS_TTL_S}s`, '--log-level', 'warn', ...flags], /^http:\/\/\S+$/, 'authserver serve');
  const adminToken = (await readFile(join(dataDir, 'admin-token'), 'utf8')).trim();
  const admin = async (path, init = {}) => {
    const res = await fetch(`${issuer}/admin/api${path}`, { ...init, headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' } });
    if (!res.ok) throw new Error(`admin ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const mcpPort = await freePort();
  const [, mcpUrl] = await startNode([join(ROOT, 'dist/example-mcp-server.js'), '--issuer', issuer, '--port', String(mcpPort)], /^MCP server: (\S+)/, 'example MCP server');
  await admin('/resources', { method: 'POST', body: JSON.stringify({ slug: 'notes', uri: mcpUrl, display_name: 'Notes', scopes: [{ name: 'read', description: 'Read' }, { name: 'write', description: 'Write' }] }) });
  return { issuer, mcpUrl, admin };
}

/** `claude mcp login NAME` in tmux, Approve clicked in Chromium on the URL it prints, and its exit. */
async function loginAndApprove(bin, home, browser, name, mcpUrl, clientOk, label = 'mcp login') {
  const authUrl = await loginInTmux(bin, home, name);
  const params = Object.fromEntries(['client_id', 'redirect_uri', 'scope', 'resource', 'code_challenge_method'].map((k) => [k, authUrl.searchParams.get(k)]));
  step(`${label}: authorization URL`, clientOk(params) && params.code_challenge_method === 'S256' && params.resource === mcpUrl ? 'ok' : 'failed', params);
  const page = await browser.newPage();
  await page.goto(authUrl.href);
  await page.getByRole('button', { name: 'Approve' }).click();
  await page.waitForURL(/localhost:\d+\/callback/);
  const landing = (await page.locator('body').innerText().catch(() => '')).trim().slice(0, 200);
  await page.close();
  step(`${label}: consent clicked in Chromium`, 'ok', `Claude's callback page: ${JSON.stringify(landing)}`);
  await until('claude mcp login to finish', () => /LOGIN-EXITED-\d+/.test(pane()), 60_000);
  const out = pane();
  const code = Number(/LOGIN-EXITED-(\d+)/.exec(out)[1]);
  step(label, code === 0 ? 'ok' : 'failed', out.split('\n').filter((l) => l.trim() && !/oauth\/authorize/.test(l)).slice(-3).join(' | '));
}

let failed = false;
try {
  await main();
  failed = Object.entries(result.steps).some(([, s]) => s.outcome === 'failed');
} catch (e) {
  failed = true;
  result.error = e instanceof Error ? e.message : String(e);
  log(`✗ ${result.error}`);
}
for (const c of cleanups.reverse()) await c().catch(() => undefined);
for (const c of children) c.kill('SIGTERM');
console.log(JSON.stringify(result, null, 2));
process.exit(failed ? 1 : 0);
