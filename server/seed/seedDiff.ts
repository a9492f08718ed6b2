/**
 * How a stored row differs from its seed entry: only the fields the seed states are compared
 * (a seed that leaves `display_name` out does not ask to change it). The differences are both
 * the warning a re-apply prints and the patch `seed apply --update` sends.
 */
import type { ClientView, Resource, ResourcePolicy, User } from '../contracts';
import type { SeedClient, SeedResource, SeedUser } from './schema';
import { toClientInput, toResourceInput } from './schema';

export interface FieldDiff {
  field: string;
  stored: unknown;
  seed: unknown;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function diff(stored: Record<string, unknown>, wanted: Record<string, unknown>, fields: readonly string[]): FieldDiff[] {
  const out: FieldDiff[] = [];
  for (const f of fields) {
    if (wanted[f] === undefined) continue;
    if (!same(stored[f], wanted[f])) out.push({ field: f, stored: stored[f], seed: wanted[f] });
  }
  return out;
}

const RESOURCE_FIELDS = ['uri', 'display_name', 'scopes', 'signing_alg', 'is_default', 'access_token_ttl', 'refresh_token_ttl', 'code_ttl', 'policy'] as const;
const CLIENT_FIELDS = ['client_name', 'redirect_uris', 'grant_types', 'scope', 'application_type'] as const;
const USER_FIELDS = ['name', 'email'] as const;

/** A policy in one key order, its lists unset when empty (an empty list and none mean the same). */
function policyShape(p: ResourcePolicy | undefined): ResourcePolicy {
  const out: ResourcePolicy = {};
  if (p?.exchange?.allowed_client_ids.length) out.exchange = { allowed_client_ids: p.exchange.allowed_client_ids };
  if (p?.runtime?.client_ids.length) out.runtime = { client_ids: p.runtime.client_ids };
  return out;
}

export function resourceDiff(stored: Resource, r: SeedResource): FieldDiff[] {
  const wanted = toResourceInput(r) as Record<string, unknown>;
  // Scope entries compare as the store keeps them: no undefined members.
  const scopes = (wanted.scopes as Array<Record<string, unknown>> | undefined)?.map((s) => JSON.parse(JSON.stringify(s)));
  const policy = r.policy === undefined ? undefined : policyShape(r.policy);
  return diff({ ...stored, policy: policyShape(stored.policy) }, { ...wanted, scopes, policy }, RESOURCE_FIELDS);
}

export function clientDiff(stored: ClientView, c: SeedClient): FieldDiff[] {
  const wanted = toClientInput(c) as Record<string, unknown>;
  // A seed without `scopes:` or `redirect_uris:` says nothing about them.
  if (c.scopes === undefined) delete wanted.scope;
  if (c.redirect_uris === undefined) delete wanted.redirect_uris;
  return diff(stored, wanted, CLIENT_FIELDS);
}

export function userDiff(stored: User, u: SeedUser): FieldDiff[] {
  return diff(stored, u, USER_FIELDS);
}

/** `uri "a" → "b", scopes [read] → [read,write]` */
export function describeDiff(d: FieldDiff[]): string {
  const show = (v: unknown) => (v === undefined ? '(unset)' : typeof v === 'string' ? `"${v}"` : JSON.stringify(v));
  return d.map((x) => `${x.field} ${show(x.stored)} → ${show(x.seed)}`).join(', ');
}

export const patchOf = (d: FieldDiff[]): Record<string, unknown> => Object.fromEntries(d.map((x) => [x.field, x.seed]));
