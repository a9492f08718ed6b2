/** The narrow, typed admin-API client the views use (and nothing else talks to the server). */
import { issuanceQueryString, type ActivityEntry, type ClientInput, type ClientPatch, type ClientView, type ConsentDecision, type ConsentGrant, type CreatedClient, type IssuanceQuery, type KeyView, type PendingInteraction, type Resource, type ResourceInput, type ResourcePatch, type SigningAlg, type User, type UserInput, type UserPatch, type DoctorReport, type DoctorRunInput, type MintTokenInput, type MintTokenResult, type Fault, type Flow, type FlowListQuery, type FlowSummary, type SettingsPatch, type SettingsView, type FrontingLink, type FrontingLinkInput, type FrontingLinkPatch, type ResourceFronting, type PolicyListBody, type PolicyListName, policyIds, policyPath } from '../../../server/contracts';
import type { AuditPage, FamilyRevocation, IssuancePage, IssuanceRow, StatusView } from '../../../server/admin/ops';
import type { PrmExpectation } from '../../../server/ui/types';
import { request } from './http';

export type { ClientPatch, FamilyRevocation, IssuancePage, IssuanceQuery, IssuanceRow, StatusView };

const A = '/admin/api';

/** A HAR 1.2 document: saved as the server wrote it, so only its outline is typed here. */
export interface HarDocument {
  log: { version: string; entries: unknown[] };
}
const enc = encodeURIComponent;

function qs(q: object): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

export const api = {
  status: () => request<StatusView>(`${A}/status`),

  resources: () => request<Resource[]>(`${A}/resources`),
  createResource: (body: ResourceInput) => request<Resource>(`${A}/resources`, { method: 'POST', body }),
  updateResource: (slug: string, body: ResourcePatch) => request<Resource>(`${A}/resources/${enc(slug)}`, { method: 'PATCH', body }),
  /** `cascade`: also delete the fronting links naming it (without, the server refuses: 409). */
  deleteResource: (slug: string, cascade = false) => request<void>(`${A}/resources/${enc(slug)}${cascade ? '?cascade=true' : ''}`, { method: 'DELETE' }),
  /** Fronting links (gateway resource → hidden resource, RFC 8693 exchange). */
  resourceFronting: (slug: string) => request<ResourceFronting>(`${A}/resources/${enc(slug)}/fronting`),
  createFronting: (body: FrontingLinkInput, dryRun = false) => request<FrontingLink | { dry_run: true; link: FrontingLink }>(`${A}/fronting${dryRun ? '?dry_run=true' : ''}`, { method: 'POST', body }),
  /** Replaces a link's scope map. */
  updateFronting: (source: string, target: string, body: FrontingLinkPatch) => request<FrontingLink>(`${A}/fronting/${enc(source)}/${enc(target)}`, { method: 'PATCH', body }),
  /** A resource's policy client lists (runtime: may act as it; exchange: may exchange for it). */
  policyClients: async (slug: string, list: PolicyListName) => policyIds(list, await request<PolicyListBody>(`${A}${policyPath(slug, list)}`)),
  addPolicyClient: async (slug: string, list: PolicyListName, client_id: string) => policyIds(list, await request<PolicyListBody>(`${A}${policyPath(slug, list)}`, { method: 'POST', body: { client_id } })),
  removePolicyClient: async (slug: string, list: PolicyListName, client_id: string) => policyIds(list, await request<PolicyListBody>(`${A}${policyPath(slug, list)}/${enc(client_id)}`, { method: 'DELETE' })),
  deleteFronting: (source: string, target: string) => request<void>(`${A}/fronting/${enc(source)}/${enc(target)}`, { method: 'DELETE' }),
  prm: (slug: string) => request<PrmExpectation>(`/ui/api/prm${qs({ resource: slug })}`),
  /** The whole `authserver doctor` walk against an MCP endpoint, run by the server. */
  doctor: (input: DoctorRunInput) => request<DoctorReport>(`${A}/doctor`, { method: 'POST', body: input }),

  clients: () => request<ClientView[]>(`${A}/clients`),
  createClient: (body: ClientInput) => request<CreatedClient>(`${A}/clients`, { method: 'POST', body }),
  updateClient: (id: string, body: ClientPatch) => request<ClientView>(`${A}/clients/${enc(id)}`, { method: 'PATCH', body }),
  deleteClient: (id: string) => request<void>(`${A}/clients/${enc(id)}`, { method: 'DELETE' }),

  users: () => request<User[]>(`${A}/users`),
  createUser: (body: UserInput) => request<User>(`${A}/users`, { method: 'POST', body }),
  updateUser: (sub: string, body: UserPatch) => request<User>(`${A}/users/${enc(sub)}`, { method: 'PATCH', body }),
  deleteUser: (sub: string) => request<void>(`${A}/users/${enc(sub)}`, { method: 'DELETE' }),

  consents: (includeRevoked = false) => request<ConsentGrant[]>(`${A}/consents${qs({ include_revoked: includeRevoked ? 'true' : undefined })}`),
  revokeConsent: (id: string) => request<ConsentGrant>(`${A}/consents/${enc(id)}`, { method: 'DELETE' }),

  keys: () => request<KeyView[]>(`${A}/keys`),
  rotateKey: (alg?: SigningAlg) => request<KeyView>(`${A}/keys/rotate`, { method: 'POST', body: alg ? { alg } : {} }),
  /** A test token (not a grant: no issuance row). */
  mintToken: (body: MintTokenInput) => request<MintTokenResult>(`${A}/tokens`, { method: 'POST', body }),
  jwks: () => request<{ keys: Array<Record<string, unknown>> }>('/.well-known/jwks.json'),

  interactions: () => request<PendingInteraction[]>(`${A}/interactions`),
  decide: (uid: string, decision: ConsentDecision) => request<{ redirect: string }>(`${A}/interactions/${enc(uid)}/decision`, { method: 'POST', body: decision }),

  issuances: (q: IssuanceQuery, signal?: AbortSignal) => request<IssuancePage>(`${A}/issuances${issuanceQueryString(q)}`, { signal }),
  issuance: (jti: string) => request<IssuanceRow>(`${A}/issuances/${enc(jti)}`),
  revokeIssuance: (jti: string) => request<IssuanceRow>(`${A}/issuances/${enc(jti)}/revoke`, { method: 'POST' }),
  revokeFamily: (id: string) => request<FamilyRevocation>(`${A}/families/${enc(id)}/revoke`, { method: 'POST' }),

  activity: (q: { limit?: number; problems?: boolean; client_id?: string } = {}) => request<ActivityEntry[]>(`${A}/activity${qs({ ...q, problems: q.problems ? 'true' : undefined })}`),

  /** The audit trail; blank filters are left out. */
  audit: (q: { type?: string; sub?: string; client?: string; resource?: string; since?: string; until?: string; limit?: number }) => request<AuditPage>(`${A}/audit${qs(q)}`),

  /** Faults on demand armed in the server's memory (the banner shows them on every screen). */
  faults: () => request<Fault[]>(`${A}/faults`),
  clearFaults: () => request<Fault[]>(`${A}/faults`, { method: 'DELETE' }),

  /** The running server's settings; a change lasts until it stops. */
  settings: () => request<SettingsView>(`${A}/settings`),
  updateSettings: (body: SettingsPatch) => request<SettingsView>(`${A}/settings`, { method: 'PATCH', body }),
  /** Flows, newest first (in the server's memory only; the oldest roll off). */
  flows: (q: FlowListQuery = {}) => request<FlowSummary[]>(`${A}/flows${qs(q)}`),
  /** One flow with every exchange; `reveal` shows its secrets (asked for explicitly, never by default). */
  flow: (id: string, reveal = false) => request<Flow>(`${A}/flows/${enc(id)}${qs({ reveal: reveal ? 'true' : undefined })}`),
  /** The flow as HAR 1.2, masked unless `reveal`. */
  flowHar: (id: string, reveal = false) => request<HarDocument>(`${A}/flows/${enc(id)}/har${qs({ reveal: reveal ? 'true' : undefined })}`),

  logout: () => request<void>('/ui/api/logout', { method: 'POST' }),
};
