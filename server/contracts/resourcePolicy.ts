/**
 * A resource's policy client lists as the product's admin sub-lists: `runtime.client_ids` (who
 * may act as the resource, e.g. introspect its tokens) and `exchange.allowed_client_ids` (who may
 * exchange tokens for it). Each is read and changed one client at a time; every answer carries
 * the list after the change, under the product's field name. Zod-free (the CLI's HTTP port and
 * the window use it); the POST body's schema is PolicyClientInput in ./resources.
 */
import type { Resource } from './resources';

export const POLICY_LISTS = {
  runtime: { path: 'runtime/client-ids', field: 'client_ids' },
  exchange: { path: 'exchange/allowed-clients', field: 'allowed_client_ids' },
} as const;
export type PolicyListName = keyof typeof POLICY_LISTS;
export const POLICY_LIST_NAMES = Object.keys(POLICY_LISTS) as PolicyListName[];

/** The wire body: `{"client_ids":[…]}` for runtime, `{"allowed_client_ids":[…]}` for exchange. */
export type PolicyListBody = { client_ids: string[] } | { allowed_client_ids: string[] };

export function policyList(r: Resource, list: PolicyListName): string[] {
  return list === 'runtime' ? (r.policy?.runtime?.client_ids ?? []) : (r.policy?.exchange?.allowed_client_ids ?? []);
}

/** The list in a wire body. */
export function policyIds(list: PolicyListName, body: PolicyListBody): string[] {
  return list === 'runtime' ? (body as { client_ids: string[] }).client_ids : (body as { allowed_client_ids: string[] }).allowed_client_ids;
}

/** `/resources/<slug>/policy/runtime/client-ids`, under the admin API's prefix. */
export const policyPath = (slug: string, list: PolicyListName): string => `/resources/${encodeURIComponent(slug)}/policy/${POLICY_LISTS[list].path}`;

export function policyListBody(list: PolicyListName, ids: string[]): PolicyListBody {
  return list === 'runtime' ? { client_ids: ids } : { allowed_client_ids: ids };
}

/** The resource with one list replaced (the other policy lists kept). */
export function withPolicyList(r: Resource, list: PolicyListName, ids: string[]): Resource {
  const policy = { ...r.policy, ...(list === 'runtime' ? { runtime: { client_ids: ids } } : { exchange: { allowed_client_ids: ids } }) };
  return { ...r, policy };
}

/** What a policy-list event carries: the change and the list after it. */
export interface PolicyClientChange {
  slug: string;
  client_id: string;
  client_ids: string[];
}

export type PolicyEventName = `resource.policy.runtime.client.${'added' | 'removed'}` | `resource.policy.exchange.allowed_client.${'added' | 'removed'}`;

/** The typed event for a change to a list. */
export function policyEvent(list: PolicyListName, change: 'added' | 'removed'): PolicyEventName {
  return list === 'runtime' ? `resource.policy.runtime.client.${change}` : `resource.policy.exchange.allowed_client.${change}`;
}

export const POLICY_EVENTS: readonly PolicyEventName[] = ['resource.policy.runtime.client.added', 'resource.policy.runtime.client.removed', 'resource.policy.exchange.allowed_client.added', 'resource.policy.exchange.allowed_client.removed'];
