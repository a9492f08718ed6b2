/**
 * createApp: the Koa app from its dependencies (tests pass a fixed clock and a temp store).
 * startServer: everything `authserver serve` and the desktop shell do to run one: lock the data
 * dir, open the store, listen on loopback, seed, and write the runtime file for the CLI.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import type Koa from 'koa';
import { systemClock, type Clock } from './clock';
import { loadConfig, isLoopbackHost, type Config, type ConfigInput } from './config';
import { createServices, initServices, type Services } from './domain/services';
import { EventBus } from './events';
import { isAudited } from './contracts/events';
import { activityRecorder } from './http/activity';
import { isCorsPath, publicCors } from './http/cors';
import { issuerPath, stripIssuerPath } from './http/issuerPath';
import { createKoa } from './http/koa';
import { installClientErrorHandlers } from './http/clientError';
import { DrainingResponse } from './http/drain';
import { errorHandler } from './http/errorHandler';
import { allowedHost, hostGuard, securityHeaders } from './http/guards';
import { createLogger, type Logger } from './log';
import { createOAuthRoutes } from './oauth/router';
import { mountAdminApi } from './admin/router';
import { authenticate, mountUi } from './ui';
import { acquireDataDirLock } from './store/lock';
import { openStore } from './store/index';
import { readRunningServer, removeRuntimeFile, writeRuntimeFile } from './store/runtimeFile';
import { ensureDataDir, loadOrCreateAdminToken } from './store/secrets';
import type { Store } from './store/types';
import type { SeedResult } from './seed/applySeed';
import type { Resolve } from './net/resolve';

export interface AppOptions {
  adminToken: string;
  /** The desktop/browser UI at /ui/ (default on, from dist/renderer); false for API-only apps. */
  ui?: { rendererDir?: string } | false;
}

/**
 * Every request goes through this one Koa app: cheap guards and the recorders in front, then one
 * radix-tree lookup for every route (public, admin API, UI). Serve it with `DrainingResponse` as
 * the server's response class (startServer does): the flow recorder takes a step when that class
 * says the head is written, and records none on a server without it.
 */
export function createApp(s: Services, opts: AppOptions): Koa {
  const { log, clock, config } = s.deps;
  // A foreign Host gets no CORS answer, not even to a preflight: it goes on to the host guard (421).
  const hostOk = allowedHost(config.issuer);
  const app = createKoa();
  // An origin-only issuer (the usual one) has no path to strip: no step for it on every request.
  if (issuerPath(config.issuer)) app.use(stripIssuerPath(config.issuer));
  app.use(securityHeaders);
  app.use((ctx, next) => (isCorsPath(ctx.path) && hostOk(ctx.get('host')) ? publicCors(ctx, next) : next()));
  app.use(activityRecorder(s.activity, clock, log, (p) => p === '/' || p.startsWith('/admin/') || p.startsWith('/assets/') || p === '/consent/wait' || p === '/favicon.ico' || p.startsWith('/ui'), config.recordFlows ? s.flows : undefined));
  app.use(errorHandler(log));
  app.use(hostGuard(config.issuer));
  // One route table: the public routes (the OAuth endpoints every token costs), the admin API and the UI.
  const routes = createOAuthRoutes(s, opts);
  // The UI's session cookie authenticates the admin API like the bearer token does.
  mountAdminApi(routes, s, { adminToken: opts.adminToken, authenticate });
  if (opts.ui !== false) mountUi(routes, s, { adminToken: opts.adminToken, rendererDir: opts.ui?.rendererDir });
  app.use(routes.middleware());
  return app;
}

export interface StartOptions extends ConfigInput {
  /** YAML seed applied at start (idempotent). */
  seedFile?: string;
  log?: Logger;
  clock?: Clock;
  /** UI options (see AppOptions.ui). */
  ui?: AppOptions['ui'];
  /** Host name resolution for CIMD fetches (tests map test names to loopback). */
  resolve?: Resolve;
}

export interface RunningServer {
  issuer: string;
  port: number;
  host: string;
  adminToken: string;
  config: Config;
  services: Services;
  store: Store;
  events: EventBus;
  http: Server;
  /** What `--seed` created (including one-time client secrets), when a seed was given. */
  seed?: SeedResult;
  close(): Promise<void>;
}

export class StartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartError';
  }
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (err.code === 'EADDRINUSE') reject(new StartError(`port ${port} is already in use on ${host}; pass --port 0 for a free port or stop the other process`));
      else if (err.code === 'EACCES') reject(new StartError(`permission denied binding ${host}:${port}; use a port above 1024`));
      else if (err.code === 'EADDRNOTAVAIL') reject(new StartError(`cannot bind ${host}: the address is not available on this machine`));
      else reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

export async function startServer(opts: StartOptions): Promise<RunningServer> {
  const log = opts.log ?? createLogger();
  const clock = opts.clock ?? systemClock;
  const pre = loadConfig(opts, opts.port ?? 9000);
  if (!isLoopbackHost(pre.host)) log.warn(`binding ${pre.host}: AuthPlane is reachable from other machines. It is a development server; do not expose it to networks you do not trust.`);
  await ensureDataDir(pre.dataDir, (m) => log.warn(m));
  // A CLI command on this data dir (`admin resource create` pasted right after `serve &`) holds the
  // lock for milliseconds: wait for it; a running server (it has a runtime file) is reported at once.
  const lock = await acquireDataDirLock(pre.dataDir, { waitMs: 10_000, brief: async (h) => (await readRunningServer(pre.dataDir))?.pid !== h.pid });
  let store: Store | undefined;
  // Slow clients: headers within 10 s, the whole request (body included) within 30 s, checked every
  // second (Node's default check runs every 30 s, which would let a trickled body live a minute).
  const http = createServer({ requestTimeout: 30_000, headersTimeout: 10_000, keepAliveTimeout: 5_000, maxHeaderSize: 16 * 1024, connectionsCheckingInterval: 1_000, ServerResponse: DrainingResponse });
  installClientErrorHandlers(http);
  let services: Services | undefined;
  try {
    const st = await openStore(pre.dataDir, { durability: pre.durability, now: () => clock.now() });
    store = st;
    const adminToken = await loadOrCreateAdminToken(pre.dataDir);
    const port = await listen(http, pre.port, pre.host);
    const config = loadConfig(opts, port);
    const events = new EventBus(clock);
    let seed: SeedResult | undefined;
    events.subscribe((e) => st.audit.append(e), isAudited);
    services = createServices({ config, store: st, clock, events, log, secret: adminToken, resolve: opts.resolve });
    await initServices(services);
    if (opts.seedFile) {
      const { applySeed } = await import('./seed/applySeed');
      const text = await readFile(opts.seedFile, 'utf8').catch((e: Error) => {
        throw new StartError(`cannot read seed file ${opts.seedFile}: ${e.message}`);
      });
      seed = await applySeed(services, text, { file: opts.seedFile });
    }
    http.on('request', createApp(services, { adminToken, ui: opts.ui }).callback());
    await writeRuntimeFile(config.dataDir, { pid: process.pid, url: config.issuer, started_at: new Date(clock.now()).toISOString() });
    let closing: Promise<void> | undefined;
    const s = services;
    const close = () =>
      (closing ??= (async () => {
        await new Promise<void>((resolve) => {
          http.close(() => resolve());
          // Long polls and SSE streams would hold close() open; idle keep-alives too.
          http.closeIdleConnections();
          setTimeout(() => http.closeAllConnections(), 200).unref();
        });
        s.close();
        await st.close();
        await removeRuntimeFile(config.dataDir).catch(() => undefined);
        await lock.release();
      })());
    return { issuer: config.issuer, port, host: config.host, adminToken, config, services, store: st, events, http, seed, close };
  } catch (err) {
    services?.close();
    if (http.listening) await new Promise((r) => http.close(r));
    await store?.close().catch(() => undefined);
    await lock.release().catch(() => undefined);
    throw err;
  }
}
