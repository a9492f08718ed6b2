/** Client service: admin-created, DCR-registered and CIMD-resolved clients; secrets stored hashed. */
import { Conflict, InvalidClient, InvalidClientMetadata, InvalidRedirectUriMeta, NotFound } from '../errors';
import { Client, ClientInput, ClientPatch, ClientPruneInput, DCR_GRANTS, DCR_LIMITS, applicationTypeProblem, inferApplicationType, type ApplicationType, type ClientPruneResult, type ClientView, type CreatedClient, type RegistrationSource } from '../contracts';
import { parseDuration } from '../contracts/duration';
import { iso } from '../clock';
import { randomId, randomToken, safeEqual, sha256hex } from './crypto';
import type { CoreDeps } from './deps';
import { parseOrThrow } from './parse';

export const toView = (c: Client): ClientView => {
  const { secret_hash: _omit, ...view } = c;
  return view;
};

export class ClientService {
  constructor(private readonly d: CoreDeps) {}

  list(): ClientView[] {
    return this.d.store.clients.list().map(toView);
  }

  get(clientId: string): Client | undefined {
    return this.d.store.clients.get(clientId);
  }

  require(clientId: string): Client {
    const c = this.get(clientId);
    if (!c) throw new NotFound(`client "${clientId}" not found`);
    return c;
  }

  /** Admin creation: validated by the shared schema; a confidential client gets its secret once. */
  async create(input: unknown, source: RegistrationSource = 'admin', extra: Partial<Client> = {}): Promise<CreatedClient> {
    const v = parseOrThrow(ClientInput, input);
    const problem = selfRegisteredGrantProblem(source, v.grant_types);
    if (problem) throw new InvalidClientMetadata(problem);
    const applicationType = checkedApplicationType(v.application_type, v.redirect_uris);
    const clientId = v.client_id ?? randomId();
    if (this.get(clientId)) throw new Conflict(`client "${clientId}" already exists`);
    const secret = v.token_endpoint_auth_method === 'none' ? undefined : randomToken(32);
    const now = iso(this.d.clock.now());
    const row: Client = Client.parse({
      client_id: clientId,
      client_name: v.client_name,
      redirect_uris: v.redirect_uris,
      grant_types: v.grant_types,
      response_types: ['code'],
      token_endpoint_auth_method: v.token_endpoint_auth_method,
      scope: v.scope,
      status: 'active',
      registration_source: source,
      application_type: applicationType,
      secret_hash: secret ? sha256hex(secret) : undefined,
      created_at: now,
      updated_at: now,
      ...extra,
    });
    await this.d.store.clients.put(row.client_id, row);
    const view = toView(row);
    this.d.events.emit('client.created', { client: view });
    return secret ? { ...view, client_secret: secret } : view;
  }

  async update(clientId: string, input: unknown): Promise<ClientView> {
    const patch = parseOrThrow(ClientPatch, input);
    const current = this.require(clientId);
    if (patch.grant_types) {
      const problem = selfRegisteredGrantProblem(current.registration_source, patch.grant_types);
      if (problem) throw new InvalidClientMetadata(problem);
    }
    const merged = { ...current, ...Object.fromEntries(Object.entries(patch).filter(([, x]) => x !== undefined)), updated_at: iso(this.d.clock.now()) };
    if (merged.application_type) checkedApplicationType(merged.application_type, merged.redirect_uris);
    parseOrThrow(ClientInput, { client_name: merged.client_name, redirect_uris: merged.redirect_uris, grant_types: merged.grant_types, scope: merged.scope, token_endpoint_auth_method: merged.token_endpoint_auth_method });
    const row = Client.parse(merged);
    await this.d.store.clients.put(clientId, row);
    const view = toView(row);
    this.d.events.emit('client.updated', { client: view });
    return view;
  }

  async delete(clientId: string): Promise<void> {
    this.require(clientId);
    await this.d.store.clients.remove(clientId);
    this.d.events.emit('client.deleted', { client_id: clientId });
  }

  /** Self-registered (DCR) clients stored now; the registration cap counts these. */
  countSelfRegistered(): number {
    let n = 0;
    for (const c of this.d.store.clients.list()) if (c.registration_source === 'dcr') n++;
    return n;
  }

  /**
   * Deletes self-registered clients with no live grant that registered before `older_than`
   * (see ClientPruneInput), in one write. Admin and CIMD clients are never touched.
   */
  async prune(input: unknown): Promise<ClientPruneResult> {
    const v = parseOrThrow(ClientPruneInput, input ?? {});
    const now = this.d.clock.now();
    const cutoff = now - parseDuration(v.older_than)! * 1000;
    const holding = new Set<string>();
    for (const g of this.d.store.consents.list()) if (!g.revoked_at) holding.add(g.client_id);
    for (const f of this.d.store.families.find({ liveAt: now })) holding.add(f.client_id);
    const selfRegistered = this.d.store.clients.list().filter((c) => c.registration_source === 'dcr');
    const pruned = selfRegistered.filter((c) => !holding.has(c.client_id) && Date.parse(c.created_at) <= cutoff).map((c) => c.client_id);
    if (!v.dry_run && pruned.length) {
      await this.d.store.clients.batch(pruned.map((key) => ({ key, row: null })));
      for (const id of pruned) this.d.events.emit('client.deleted', { client_id: id });
    }
    return { pruned, remaining: selfRegistered.length - (v.dry_run ? 0 : pruned.length), limit: DCR_LIMITS.clients, older_than: v.older_than, dry_run: v.dry_run };
  }

  /**
   * Token-endpoint client authentication (RFC 6749 §2.3): Basic beats the form; a public
   * client must not send a secret; a confidential one must, via the method it registered.
   */
  authenticate(creds: { clientId?: string; secret?: string; method: 'basic' | 'post' | 'none' }): Client {
    if (!creds.clientId) throw new InvalidClient('client authentication failed: no client_id was sent (use the form field client_id, or HTTP Basic for confidential clients)');
    const client = this.get(creds.clientId);
    if (!client) throw new InvalidClient(`client authentication failed: client "${creds.clientId}" is not registered`);
    if (client.status !== 'active') throw new InvalidClient('client is suspended or revoked');
    const registered = client.token_endpoint_auth_method;
    if (registered === 'none') {
      if (creds.secret) throw new InvalidClient('client authentication failed: this is a public client (token_endpoint_auth_method "none") and must not send a client_secret');
      return client;
    }
    if (!creds.secret) throw new InvalidClient(`client authentication failed: this confidential client must authenticate with ${registered}`);
    if (!client.secret_hash || !safeEqual(sha256hex(creds.secret), client.secret_hash)) {
      throw new InvalidClient('client authentication failed: wrong client_secret');
    }
    return client;
  }
}

/**
 * The application type stored for a client (SEP-837): the one it declared, if its redirect URIs
 * fit it (400 `invalid_redirect_uri` naming the rule otherwise), else the one they imply.
 */
export function checkedApplicationType(declared: ApplicationType | undefined, redirectUris: readonly string[]): ApplicationType | undefined {
  if (!declared) return inferApplicationType(redirectUris);
  const problem = applicationTypeProblem(declared, redirectUris);
  if (problem) throw new InvalidRedirectUriMeta(problem);
  return declared;
}

/** Why a client from `source` may not hold these grants: a self-registered one is user-delegated only. */
export function selfRegisteredGrantProblem(source: RegistrationSource, grants: readonly string[]): string | undefined {
  if (source !== 'dcr') return undefined;
  const extra = grants.filter((g) => !(DCR_GRANTS as readonly string[]).includes(g));
  if (!extra.length) return undefined;
  return `a client that registered itself (dynamic registration) may only use ${DCR_GRANTS.join(' and ')}, not ${extra.join(', ')}: tokens without a user's consent need a client created by the admin (authserver admin client create --grant-types client_credentials, the admin API, the window or a seed)`;
}
