/**
 * The AdminPort with no server: under the data-dir lock (lockedDataDir.ts) the CLI opens the
 * store and calls the same domain services as the admin API, then closes. Loaded only when no
 * server runs (it pulls in the store, zod and the services).
 */
import type { PolicyListName, SigningAlg } from '../contracts';
import { issuanceQueryParams, type IssuanceQuery } from '../contracts/issuanceQuery';
import { isAudited } from '../contracts/events';
import type { AdminPort, ConsentQuery, PortStatus } from './adminPort';
import { openLocked } from './lockedDataDir';

/** Opens the store under the data-dir lock and calls the domain services in-process. */
export class DirectAdminPort implements AdminPort {
  readonly mode = 'direct' as const;
  private constructor(
    private readonly s: import('../domain/services').Services,
    private readonly ops: typeof import('../admin/ops'),
    private readonly closeAll: () => Promise<void>,
  ) {}

  static async open(dataDir: string): Promise<DirectAdminPort> {
    const [{ openStore }, { loadOrCreateAdminToken }, { createServices, initServices }, { loadConfig }, { systemClock }, { EventBus }, { silentLogger }, ops] = await Promise.all([
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
    return openLocked(dataDir, async () => {
      const store = await openStore(dataDir, { durability: config.durability });
      let services: ReturnType<typeof createServices> | undefined;
      try {
        const events = new EventBus(systemClock);
        const audit = store.audit;
        // The same audit trail as the server keeps: CLI changes are recorded too.
        events.subscribe((e) => audit.append(e), isAudited);
        services = createServices({ config, store, clock: systemClock, events, log: silentLogger, secret: await loadOrCreateAdminToken(dataDir) });
        await initServices(services);
      } catch (err) {
        services?.close();
        await store.close().catch(() => undefined);
        throw err;
      }
      const s = services;
      return new DirectAdminPort(s, ops, async () => {
        s.close();
        await store.close();
      });
    });
  }

  async status(): Promise<PortStatus> {
    const { issuer: _i, pid: _p, consent_mode: _c, default_user: _u, refresh_grace_s: _g, ...rest } = this.ops.getStatus(this.s);
    return { ...rest, running: false };
  }
  async listResources() {
    return this.s.resources.list();
  }
  async getResource(slug: string) {
    return this.s.resources.require(slug);
  }
  async createResource(input: unknown) {
    return this.s.resources.create(input);
  }
  async updateResource(slug: string, patch: unknown) {
    return this.s.resources.update(this.s.resources.require(slug).slug, patch);
  }
  async deleteResource(slug: string, opts: { cascade?: boolean } = {}) {
    await this.s.resources.delete(slug, opts);
  }
  async resourceFronting(slug: string) {
    return this.s.fronting.forResource(this.s.resources.require(slug).slug);
  }
  async policyClients(slug: string, list: PolicyListName) {
    return this.s.policies.list(slug, list);
  }
  async addPolicyClient(slug: string, list: PolicyListName, clientId: string) {
    return this.s.policies.add(slug, list, { client_id: clientId });
  }
  async removePolicyClient(slug: string, list: PolicyListName, clientId: string) {
    return this.s.policies.remove(slug, list, clientId);
  }
  async listFronting() {
    return this.s.fronting.list();
  }
  async getFronting(source: string, target: string) {
    return this.s.fronting.require(source, target);
  }
  async createFronting(input: unknown, opts: { dryRun?: boolean } = {}) {
    return this.s.fronting.create(input, opts);
  }
  async updateFronting(source: string, target: string, patch: unknown, opts: { dryRun?: boolean } = {}) {
    return this.s.fronting.update(source, target, patch, opts);
  }
  async deleteFronting(source: string, target: string) {
    await this.s.fronting.delete(source, target);
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
  async mintToken(input: unknown) {
    const { mintToken } = await import('../admin/testTokens');
    return mintToken(this.s, input);
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
    await this.closeAll();
  }
}

