/**
 * How the CLI reaches the state of a data dir. One interface, two ways:
 *
 * - HttpAdminPort: a server runs on the data dir (its runtime file names a live process), so
 *   the CLI talks to its admin REST API with the admin token from the data dir. The server
 *   stays the only writer and sees the change at once.
 * - DirectAdminPort: no server. The CLI takes the data-dir lock (so a server cannot start
 *   half-way through), opens the store and calls the same domain services, then closes.
 *
 * Both return the same shapes (the REST routes and this file share server/admin/ops.ts).
 */
import type { ClientPruneResult, ClientView, ConsentGrant, CreatedClient, KeyView, Resource, SigningAlg, User } from '../contracts';
import { issuanceQueryParams, issuanceQueryString, type IssuanceQuery } from '../contracts/issuanceQuery';
import type { AuditPage, FamilyRevocation, IssuancePage, IssuanceRow, StatusView } from '../admin/ops';
import type { SeedResult } from '../seed/applySeed';
import { CliError } from './output';

export interface ConsentQuery {
  sub?: string;
  client_id?: string;
  resource?: string;
  include_revoked?: boolean;
}

export type PortStatus = (StatusView & { running: true }) | (Omit<StatusView, 'issuer' | 'pid' | 'consent_mode' | 'default_user'> & { running: false });

export interface AdminPort {
  readonly mode: 'http' | 'direct';
  status(): Promise<PortStatus>;

  listResources(): Promise<Resource[]>;
  getResource(slug: string): Promise<Resource>;
  createResource(input: unknown): Promise<Resource>;
  updateResource(slug: string, patch: unknown): Promise<Resource>;
  deleteResource(slug: string): Promise<void>;

  listClients(): Promise<ClientView[]>;
  getClient(clientId: string): Promise<ClientView>;
  createClient(input: unknown): Promise<CreatedClient>;
  updateClient(clientId: string, patch: unknown): Promise<ClientView>;
  deleteClient(clientId: string): Promise<void>;
  pruneClients(input: unknown): Promise<ClientPruneResult>;

  listUsers(): Promise<User[]>;
  createUser(input: unknown): Promise<User>;
  updateUser(sub: string, patch: unknown): Promise<User>;
  deleteUser(sub: string): Promise<void>;

  listConsents(q: ConsentQuery): Promise<ConsentGrant[]>;
  revokeConsent(id: string): Promise<ConsentGrant>;

  listIssuances(q: IssuanceQuery): Promise<IssuancePage>;
  getIssuance(jti: string): Promise<IssuanceRow>;
  revokeIssuance(jti: string): Promise<IssuanceRow>;
  revokeFamily(id: string): Promise<FamilyRevocation>;

  /** `q` as GET /admin/api/audit takes it. */
  listAudit(q: Record<string, string>): Promise<AuditPage>;

  listKeys(): Promise<KeyView[]>;
  rotateKey(alg?: SigningAlg): Promise<KeyView>;

  applySeed(yamlText: string, file: string, opts?: { update?: boolean }): Promise<SeedResult>;
  /** The stored resources, clients and users as seed YAML. */
  exportSeed(): Promise<string>;

  close(): Promise<void>;
}

const enc = encodeURIComponent;

/**
 * One request with node:http, not fetch: a CLI command makes one or two calls, and the first
 * fetch() of a process costs ~30 ms (it loads undici and compiles its HTTP parser). No
 * keep-alive (the command exits right after), no redirects followed.
 */
async function httpCall(url: string, method: string, headers: Record<string, string>, payload: string | undefined): Promise<{ status: number; ok: boolean; text: string }> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    const body = payload === undefined ? undefined : Buffer.from(payload, 'utf8');
    const req = request(url, { method, agent: false, headers: body ? { ...headers, 'content-length': String(body.length) } : headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        resolve({ status, ok: status >= 200 && status < 300, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Talks to a running server's /admin/api with its admin token. */
export class HttpAdminPort implements AdminPort {
  readonly mode = 'http' as const;
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  private async call<T>(method: string, path: string, body?: { json?: unknown; yaml?: string }, as: 'json' | 'text' = 'json'): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, accept: as === 'text' ? 'application/yaml, application/json' : 'application/json' };
    let payload: string | undefined;
    if (body?.json !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body.json);
    } else if (body?.yaml !== undefined) {
      headers['content-type'] = 'application/yaml';
      payload = body.yaml;
    }
    let res: { status: number; ok: boolean; text: string };
    try {
      res = await httpCall(`${this.baseUrl}/admin/api${path}`, method, headers, payload);
    } catch (err) {
      const code = (err as { code?: string }).code;
      throw new ServerUnreachable(`cannot reach the server at ${this.baseUrl}${code ? ` (${code})` : ''}`, code);
    }
    if (res.status === 204) return undefined as T;
    const text = res.text;
    if (as === 'text' && res.ok) return text as T;
    let data: unknown;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      throw new CliError(`the server at ${this.baseUrl} answered ${res.status} with a non-JSON body`);
    }
    if (!res.ok) {
      const e = (data ?? {}) as { error?: string; error_description?: string; issues?: string[] };
      if (res.status === 401) throw new CliError(`the server at ${this.baseUrl} refused the admin token from the data dir (${e.error_description ?? 'unauthorized'})`);
      throw new CliError(e.error_description ?? e.error ?? `HTTP ${res.status}`, 1, Array.isArray(e.issues) ? e.issues : undefined);
    }
    return data as T;
  }

  async status(): Promise<PortStatus> {
    return { ...(await this.call<StatusView>('GET', '/status')), running: true };
  }
  listResources() {
    return this.call<Resource[]>('GET', '/resources');
  }
  getResource(slug: string) {
    return this.call<Resource>('GET', `/resources/${enc(slug)}`);
  }
  createResource(input: unknown) {
    return this.call<Resource>('POST', '/resources', { json: input });
  }
  updateResource(slug: string, patch: unknown) {
    return this.call<Resource>('PATCH', `/resources/${enc(slug)}`, { json: patch });
  }
  deleteResource(slug: string) {
    return this.call<void>('DELETE', `/resources/${enc(slug)}`);
  }
  listClients() {
    return this.call<ClientView[]>('GET', '/clients');
  }
  getClient(id: string) {
    return this.call<ClientView>('GET', `/clients/${enc(id)}`);
  }
  createClient(input: unknown) {
    return this.call<CreatedClient>('POST', '/clients', { json: input });
  }
  updateClient(id: string, patch: unknown) {
    return this.call<ClientView>('PATCH', `/clients/${enc(id)}`, { json: patch });
  }
  deleteClient(id: string) {
    return this.call<void>('DELETE', `/clients/${enc(id)}`);
  }
  pruneClients(input: unknown) {
    return this.call<ClientPruneResult>('POST', '/clients/prune', { json: input });
  }
  listUsers() {
    return this.call<User[]>('GET', '/users');
  }
  createUser(input: unknown) {
    return this.call<User>('POST', '/users', { json: input });
  }
  updateUser(sub: string, patch: unknown) {
    return this.call<User>('PATCH', `/users/${enc(sub)}`, { json: patch });
  }
  deleteUser(sub: string) {
    return this.call<void>('DELETE', `/users/${enc(sub)}`);
  }
  listConsents(q: ConsentQuery) {
    return this.call<ConsentGrant[]>('GET', `/consents${qs({ ...q, include_revoked: q.include_revoked ? 'true' : undefined })}`);
  }
  revokeConsent(id: string) {
    return this.call<ConsentGrant>('DELETE', `/consents/${enc(id)}`);
  }
  listIssuances(q: IssuanceQuery) {
    return this.call<IssuancePage>('GET', `/issuances${issuanceQueryString(q)}`);
  }
  getIssuance(jti: string) {
    return this.call<IssuanceRow>('GET', `/issuances/${enc(jti)}`);
  }
  revokeIssuance(jti: string) {
    return this.call<IssuanceRow>('POST', `/issuances/${enc(jti)}/revoke`);
  }
  revokeFamily(id: string) {
    return this.call<FamilyRevocation>('POST', `/families/${enc(id)}/revoke`);
  }
  listAudit(q: Record<string, string>) {
    return this.call<AuditPage>('GET', `/audit${qs(q)}`);
  }
  listKeys() {
    return this.call<KeyView[]>('GET', '/keys');
  }
  rotateKey(alg?: SigningAlg) {
    return this.call<KeyView>('POST', '/keys/rotate', { json: alg ? { alg } : {} });
  }
  applySeed(yamlText: string, file: string, opts: { update?: boolean } = {}) {
    return this.call<SeedResult>('POST', `/seed${qs({ file, update: opts.update })}`, { yaml: yamlText });
  }
  exportSeed() {
    return this.call<string>('GET', '/seed/export', undefined, 'text');
  }
  async close(): Promise<void> {}
}

export class ServerUnreachable extends CliError {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

function qs(q: Record<string, string | undefined | boolean>): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== false && v !== '') sp.set(k, String(v));
  const s = sp.toString();
  return s ? `?${s}` : '';
}

/** Opens the store under the data-dir lock and calls the domain services in-process. */
export class DirectAdminPort implements AdminPort {
  readonly mode = 'direct' as const;
  private constructor(
    private readonly s: import('../domain/services').Services,
    private readonly ops: typeof import('../admin/ops'),
    private readonly release: () => Promise<void>,
  ) {}

  static async open(dataDir: string): Promise<DirectAdminPort> {
    const [{ acquireDataDirLock }, { openStore }, { ensureDataDir, loadOrCreateAdminToken }, { createServices, initServices }, { loadConfig }, { systemClock }, { EventBus }, { silentLogger }, ops] = await Promise.all([
      import('../store/lock'),
      import('../store/index'),
      import('../store/secrets'),
      import('../domain/services'),
      import('../config'),
      import('../clock'),
      import('../events'),
      import('../log'),
      import('../admin/ops'),
    ]);
    const config = loadConfig({ dataDir });
    await ensureDataDir(dataDir);
    const lock = await acquireDataDirLock(dataDir);
    let store: Awaited<ReturnType<typeof openStore>> | undefined;
    let services: ReturnType<typeof createServices> | undefined;
    try {
      store = await openStore(dataDir, { durability: config.durability });
      const events = new EventBus(systemClock);
      const audit = store.audit;
      // The same audit trail as the server keeps: CLI changes are recorded too.
      events.subscribe((e) => {
        if (e.type !== 'request.logged') audit.append(e);
      });
      services = createServices({ config, store, clock: systemClock, events, log: silentLogger, secret: await loadOrCreateAdminToken(dataDir) });
      await initServices(services);
    } catch (err) {
      services?.close();
      await store?.close().catch(() => undefined);
      await lock.release().catch(() => undefined);
      throw err;
    }
    const s = services;
    const st = store;
    return new DirectAdminPort(s, ops, async () => {
      s.close();
      try {
        await st.close();
      } finally {
        await lock.release();
      }
    });
  }

  async status(): Promise<PortStatus> {
    const { issuer: _i, pid: _p, consent_mode: _c, default_user: _u, ...rest } = this.ops.getStatus(this.s);
    return { ...rest, running: false };
  }
  async listResources() {
    return this.s.resources.list();
  }
  async getResource(slug: string) {
    return this.s.resources.require(slug);
  }
  async createResource(input: unknown) {
    const row = await this.s.resources.create(input);
    if (row.signing_alg) await this.s.keys.ensure(row.signing_alg);
    return row;
  }
  async updateResource(slug: string, patch: unknown) {
    const row = await this.s.resources.update(this.s.resources.require(slug).slug, patch);
    if (row.signing_alg) await this.s.keys.ensure(row.signing_alg);
    return row;
  }
  async deleteResource(slug: string) {
    await this.s.resources.delete(slug);
  }
  async listClients() {
    return this.s.clients.list();
  }
  async getClient(id: string) {
    return this.ops.getClient(this.s, id);
  }
  async createClient(input: unknown) {
    return this.s.clients.create(input, 'admin');
  }
  async updateClient(id: string, patch: unknown) {
    return this.s.clients.update(id, patch);
  }
  async deleteClient(id: string) {
    await this.s.clients.delete(id);
  }
  async pruneClients(input: unknown) {
    return this.s.clients.prune(input);
  }
  async listUsers() {
    return this.s.users.list();
  }
  async createUser(input: unknown) {
    return this.s.users.create(input);
  }
  async updateUser(sub: string, patch: unknown) {
    return this.s.users.update(sub, patch);
  }
  async deleteUser(sub: string) {
    await this.s.users.delete(sub);
  }
  async listConsents(q: ConsentQuery) {
    return this.ops.listConsents(this.s, q);
  }
  async revokeConsent(id: string) {
    return this.s.consents.revoke(id);
  }
  async listIssuances(q: IssuanceQuery) {
    return this.ops.listIssuances(this.s, issuanceQueryParams(q));
  }
  async getIssuance(jti: string) {
    return this.ops.getIssuance(this.s, jti);
  }
  async revokeIssuance(jti: string) {
    return this.ops.revokeIssuance(this.s, jti);
  }
  async revokeFamily(id: string) {
    return this.ops.revokeFamily(this.s, id);
  }
  async listAudit(q: Record<string, string>) {
    return this.ops.listAudit(this.s, q);
  }
  async listKeys() {
    return this.s.keys.list();
  }
  async rotateKey(alg?: SigningAlg) {
    return this.s.keys.rotate(alg);
  }
  async applySeed(yamlText: string, file: string, opts: { update?: boolean } = {}) {
    const { applySeed } = await import('../seed/applySeed');
    return applySeed(this.s, yamlText, { file, update: opts.update });
  }
  async exportSeed() {
    const { exportSeed } = await import('../seed/exportSeed');
    return exportSeed(this.s);
  }
  async close(): Promise<void> {
    await this.release();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The port for a data dir: HTTP when a live server owns it, direct otherwise. A server that is
 * starting holds the lock before its runtime file exists, so a held lock is retried for a few
 * seconds before it is reported.
 */
/**
 * Whether the runtime file names a live server, and its admin API. The token is created when
 * missing unless `createToken` is false (a read-only caller: no token, no port).
 */
export async function runningServerPort(dataDir: string, opts: { createToken?: boolean } = {}): Promise<{ running: boolean; port?: HttpAdminPort }> {
  const [{ readRunningServer }, { loadOrCreateAdminToken, readAdminToken }] = await Promise.all([import('../store/runtimeFile'), import('../store/secrets')]);
  const running = await readRunningServer(dataDir);
  if (!running) return { running: false };
  const token = opts.createToken === false ? await readAdminToken(dataDir) : await loadOrCreateAdminToken(dataDir);
  return { running: true, port: token ? new HttpAdminPort(running.url.replace(/\/$/, ''), token) : undefined };
}

export async function openAdminPort(dataDir: string, opts: { waitMs?: number } = {}): Promise<AdminPort> {
  const deadline = Date.now() + (opts.waitMs ?? 5000);
  for (;;) {
    const { port } = await runningServerPort(dataDir);
    if (port) {
      try {
        await port.status();
        return port;
      } catch (err) {
        // A runtime file left by a process that died: fall through to the lock, which tells the truth.
        if (!(err instanceof ServerUnreachable)) throw err;
      }
    }
    try {
      return await DirectAdminPort.open(dataDir);
    } catch (err) {
      if (!isLockHeld(err) || Date.now() > deadline) throw err;
      await sleep(100);
    }
  }
}

function isLockHeld(err: unknown): boolean {
  const e = err as { name?: string; code?: string; message?: string };
  return e?.name === 'LockHeldError' || e?.code === 'ELOCKED' || /lock|in use by|already running/i.test(e?.message ?? '');
}

/** Runs one operation with a port and always closes it (releasing the lock in direct mode). */
export async function withAdminPort<T>(dataDir: string, fn: (port: AdminPort) => Promise<T>): Promise<T> {
  const port = await openAdminPort(dataDir);
  try {
    return await fn(port);
  } finally {
    await port.close();
  }
}
