/**
 * The AdminPort of a running server: its /admin/api with the admin token from the data dir. The
 * server stays the only writer and sees the change at once.
 */
import type { ClientPruneResult, ClientView, ConsentGrant, CreatedClient, FrontingLink, KeyView, MintTokenResult, PolicyListName, Resource, ResourceFronting, SigningAlg, User } from '../contracts';
import type { Fault } from '../contracts/faults';
import { policyIds, policyPath, type PolicyListBody } from '../contracts/resourcePolicy';
import type { SettingsPatch, SettingsView } from '../contracts/settings';
import type { Flow, FlowListQuery, FlowSummary } from '../contracts/flows';
import { issuanceQueryString, type IssuanceQuery } from '../contracts/issuanceQuery';
import type { AuditPage, FamilyRevocation, IssuancePage, IssuanceRow, StatusView } from '../admin/ops';
import type { SeedResult } from '../seed/applySeed';
import type { AdminPort, ConsentQuery, PortStatus } from './adminPort';
import { CliError } from './output';

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
  deleteResource(slug: string, opts: { cascade?: boolean } = {}) {
    return this.call<void>('DELETE', `/resources/${enc(slug)}${opts.cascade ? '?cascade=true' : ''}`);
  }
  resourceFronting(slug: string) {
    return this.call<ResourceFronting>('GET', `/resources/${enc(slug)}/fronting`);
  }
  async policyClients(slug: string, list: PolicyListName) {
    return policyIds(list, await this.call<PolicyListBody>('GET', policyPath(slug, list)));
  }
  async addPolicyClient(slug: string, list: PolicyListName, clientId: string) {
    return policyIds(list, await this.call<PolicyListBody>('POST', policyPath(slug, list), { json: { client_id: clientId } }));
  }
  async removePolicyClient(slug: string, list: PolicyListName, clientId: string) {
    return policyIds(list, await this.call<PolicyListBody>('DELETE', `${policyPath(slug, list)}/${enc(clientId)}`));
  }
  listFronting() {
    return this.call<FrontingLink[]>('GET', '/fronting');
  }
  getFronting(source: string, target: string) {
    return this.call<FrontingLink>('GET', `/fronting/${enc(source)}/${enc(target)}`);
  }
  async createFronting(input: unknown, opts: { dryRun?: boolean } = {}) {
    if (!opts.dryRun) return this.call<FrontingLink>('POST', '/fronting', { json: input });
    return (await this.call<{ link: FrontingLink }>('POST', '/fronting?dry_run=true', { json: input })).link;
  }
  async updateFronting(source: string, target: string, patch: unknown, opts: { dryRun?: boolean } = {}) {
    const path = `/fronting/${enc(source)}/${enc(target)}`;
    if (!opts.dryRun) return this.call<FrontingLink>('PATCH', path, { json: patch });
    return (await this.call<{ link: FrontingLink }>('PATCH', `${path}?dry_run=true`, { json: patch })).link;
  }
  deleteFronting(source: string, target: string) {
    return this.call<void>('DELETE', `/fronting/${enc(source)}/${enc(target)}`);
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
  mintToken(input: unknown) {
    return this.call<MintTokenResult>('POST', '/tokens', { json: input });
  }
  applySeed(yamlText: string, file: string, opts: { update?: boolean } = {}) {
    return this.call<SeedResult>('POST', `/seed${qs({ file, update: opts.update })}`, { yaml: yamlText });
  }
  exportSeed() {
    return this.call<string>('GET', '/seed/export', undefined, 'text');
  }
  // Faults live in the server's memory: only this port has them (no DirectAdminPort counterpart).
  addFault(input: unknown) {
    return this.call<Fault>('POST', '/faults', { json: input });
  }
  listFaults() {
    return this.call<Fault[]>('GET', '/faults');
  }
  clearFault(id: string) {
    return this.call<Fault>('DELETE', `/faults/${enc(id)}`);
  }
  clearFaults() {
    return this.call<Fault[]>('DELETE', '/faults');
  }
  // Settings changed at run time live in the server's memory too.
  getSettings() {
    return this.call<SettingsView>('GET', '/settings');
  }
  updateSettings(patch: SettingsPatch) {
    return this.call<SettingsView>('PATCH', '/settings', { json: patch });
  }
  // Flows too: the timeline is in the server's memory.
  listFlows(q: FlowListQuery) {
    return this.call<FlowSummary[]>('GET', `/flows${qs({ client: q.client, resource: q.resource, user: q.user, outcome: q.outcome, limit: q.limit === undefined ? undefined : String(q.limit) })}`);
  }
  getFlow(id: string, reveal = false) {
    return this.call<Flow>('GET', `/flows/${enc(id)}${qs({ reveal })}`);
  }
  flowHar(id: string, reveal = false) {
    return this.call<unknown>('GET', `/flows/${enc(id)}/har${qs({ reveal })}`);
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

