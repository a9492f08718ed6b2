/**
 * How the CLI reaches the state of a data dir. One interface, two ways:
 *
 * - HttpAdminPort (httpAdminPort.ts): a server runs on the data dir (its runtime file names a
 *   live process), so the CLI talks to its admin REST API with the admin token from the data dir.
 * - no server: the CLI takes the data-dir lock and opens the store itself, either whole with the
 *   domain services (DirectAdminPort, directAdminPort.ts) or, for a command that only reads
 *   issuances, the store's read-only issuance reader (offlineIssuances.ts).
 *
 * All return the same shapes (the REST routes and the direct port share server/admin/ops.ts).
 * The no-server ports are imported only when chosen: they pull in the store, zod and services.
 */
import type { ClientPruneResult, ClientView, ConsentGrant, CreatedClient, FrontingLink, KeyView, MintTokenResult, PolicyListName, Resource, ResourceFronting, SigningAlg, User } from '../contracts';
import type { IssuanceQuery } from '../contracts/issuanceQuery';
import type { AuditPage, FamilyRevocation, IssuancePage, IssuanceRow, StatusView } from '../admin/ops';
import type { SeedResult } from '../seed/applySeed';
import { HttpAdminPort, ServerUnreachable } from './httpAdminPort';

export interface ConsentQuery {
  sub?: string;
  client_id?: string;
  resource?: string;
  include_revoked?: boolean;
}

export type PortStatus = (StatusView & { running: true }) | (Omit<StatusView, 'issuer' | 'pid' | 'consent_mode' | 'default_user' | 'refresh_grace_s'> & { running: false });

export interface AdminPort {
  readonly mode: 'http' | 'direct';
  status(): Promise<PortStatus>;

  listResources(): Promise<Resource[]>;
  getResource(slug: string): Promise<Resource>;
  createResource(input: unknown): Promise<Resource>;
  updateResource(slug: string, patch: unknown): Promise<Resource>;
  /** `cascade`: also delete the fronting links naming it (otherwise they keep it: 409). */
  deleteResource(slug: string, opts?: { cascade?: boolean }): Promise<void>;
  resourceFronting(slug: string): Promise<ResourceFronting>;
  /** A resource's policy client list (runtime or exchange); add and remove return it after the change. */
  policyClients(slug: string, list: PolicyListName): Promise<string[]>;
  addPolicyClient(slug: string, list: PolicyListName, clientId: string): Promise<string[]>;
  removePolicyClient(slug: string, list: PolicyListName, clientId: string): Promise<string[]>;

  listFronting(): Promise<FrontingLink[]>;
  getFronting(source: string, target: string): Promise<FrontingLink>;
  /** With `dryRun` the link is validated and returned, not stored. */
  createFronting(input: unknown, opts?: { dryRun?: boolean }): Promise<FrontingLink>;
  /** Replaces the scope map; with `dryRun` the changed link is validated and returned, not stored. */
  updateFronting(source: string, target: string, patch: unknown, opts?: { dryRun?: boolean }): Promise<FrontingLink>;
  deleteFronting(source: string, target: string): Promise<void>;

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

  /** A test token (POST /admin/api/tokens); not a grant, so no issuance row. */
  mintToken(input: unknown): Promise<MintTokenResult>;

  applySeed(yamlText: string, file: string, opts?: { update?: boolean }): Promise<SeedResult>;
  /** The stored resources, clients and users as seed YAML. */
  exportSeed(): Promise<string>;

  close(): Promise<void>;
}

/** A port that offers only some of AdminPort's operations (and close). */
export type PartialPort<K extends keyof AdminPort> = Pick<AdminPort, K | 'close'>;
/** Opens the no-server side of a port on a data dir. */
export type OpenDirect<P> = (dataDir: string) => Promise<P>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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

const openDirectAdminPort: OpenDirect<AdminPort> = async (dataDir) => (await import('./directAdminPort')).DirectAdminPort.open(dataDir);

/**
 * The port for a data dir: HTTP when a live server owns it, `openDirect` otherwise (by default
 * DirectAdminPort: the whole store and services). A server that is starting holds the lock before
 * its runtime file exists, so a held lock is retried for a few seconds before it is reported.
 */
export async function openAdminPort<P extends PartialPort<never> = AdminPort>(dataDir: string, opts: { waitMs?: number; openDirect?: OpenDirect<P> } = {}): Promise<P | HttpAdminPort> {
  // Without openDirect, P is AdminPort (the default type argument).
  const openDirect = opts.openDirect ?? (openDirectAdminPort as unknown as OpenDirect<P>);
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
      return await openDirect(dataDir);
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

/** Runs one operation with a port and always closes it (releasing the lock when there is no server). */
export async function withAdminPort<T, P extends PartialPort<never> = AdminPort>(dataDir: string, fn: (port: P | HttpAdminPort) => Promise<T>, openDirect?: OpenDirect<P>): Promise<T> {
  const port = await openAdminPort(dataDir, { openDirect });
  try {
    return await fn(port);
  } finally {
    await port.close();
  }
}
