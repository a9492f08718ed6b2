// The servers under test, each a separate child process, and how the load generator reaches them.
import path from 'node:path';
import { ROOT } from './build.mjs';
import { startChild } from './proc.mjs';

export const RESOURCE = 'http://127.0.0.1:3001/mcp';
export const REDIRECT = 'http://127.0.0.1:8765/callback';
export const CLIENT_ID = 'my-agent';
export const SCOPE = 'read write';
export const SEED = path.join(ROOT, 'resources/seeds/single-mcp.yaml');

const URL_LINE = /^http:\/\/127\.0\.0\.1:\d+$/;

/**
 * `authserver serve --port 0 --consent auto` on `dataDir` (default durability: fsync), seeded with
 * resources/seeds/single-mcp.yaml (the resource RESOURCE and the public client my-agent).
 * Ready = the first stdout line (the issuer URL), printed once the store is open and it listens.
 * `serveArgs` go after the defaults (e.g. `--no-flows`).
 */
export async function startAuthPlane(cli, dataDir, { seed = true, nodeArgs = [], env, serveArgs = [] } = {}) {
  const args = [...nodeArgs, cli, 'serve', '--port', '0', '--consent', 'auto', '--data-dir', dataDir, '--log-level', 'warn', ...serveArgs];
  if (seed) args.push('--seed', SEED);
  const p = await startChild(args, { ready: (l) => (URL_LINE.test(l.trim()) ? l.trim() : undefined), env, label: 'authserver serve' });
  return { ...p, target: authPlaneTarget(p.info) };
}

/** The same server through startServer() with durability `os` (no fsync), for the comparison row. */
export async function startAuthPlaneWith(apserver, dataDir, durability, { nodeArgs = [] } = {}) {
  const p = await startChild([...nodeArgs, apserver, dataDir, durability, SEED], { ready: (l) => (URL_LINE.test(l.trim()) ? l.trim() : undefined), label: `AuthPlane (${durability})` });
  return { ...p, target: { ...authPlaneTarget(p.info), name: `AuthPlane (${durability})` } };
}

export function authPlaneTarget(origin) {
  return { name: 'AuthPlane', origin, authorizePath: '/oauth/authorize', tokenPath: '/oauth/token', clientId: CLIENT_ID, redirectUri: REDIRECT, resource: RESOURCE, scope: SCOPE };
}

export async function startOidcProvider({ nodeArgs = [] } = {}) {
  const script = path.join(ROOT, 'scripts/bench/servers/oidc-provider.mjs');
  const p = await startChild([...nodeArgs, '--no-warnings', script, RESOURCE, REDIRECT], {
    ready: (l) => (l.startsWith('READY ') ? JSON.parse(l.slice(6)) : undefined),
    label: 'oidc-provider',
  });
  return {
    ...p,
    target: { name: 'oidc-provider', origin: p.info.url, authorizePath: '/auth', tokenPath: '/token', clientId: CLIENT_ID, redirectUri: REDIRECT, resource: RESOURCE, scope: SCOPE, cookie: p.info.cookie },
  };
}

export async function startKoaFloor() {
  const script = path.join(ROOT, 'scripts/bench/servers/koa-floor.mjs');
  const p = await startChild([script], { ready: (l) => (l.startsWith('READY ') ? l.slice(6).trim() : undefined), label: 'koa floor' });
  return { ...p, origin: p.info };
}

/** scripts/bench/servers/flow-floor.mjs: a whole durable flow with nothing but node:http, crypto and fs. */
export async function startFlowFloor(dataDir, durability = 'fsync') {
  const script = path.join(ROOT, 'scripts/bench/servers/flow-floor.mjs');
  const p = await startChild([script, dataDir, durability], { ready: (l) => (l.startsWith('READY ') ? l.slice(6).trim() : undefined), label: 'flow floor' });
  return { ...p, target: { name: `flow floor (${durability})`, origin: p.info, authorizePath: '/authorize', tokenPath: '/token', clientId: CLIENT_ID, redirectUri: REDIRECT, resource: RESOURCE, scope: SCOPE } };
}
