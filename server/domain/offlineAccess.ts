/**
 * `offline_access` (SEP-2207, OIDC-flavoured refresh tokens). AuthPlane advertises it in
 * `scopes_supported`, so an MCP 2026-07-28 client that wants a refresh token may ask for it. It is
 * not a scope of any resource (never in a token's `scope`); it rides along with the requested
 * scopes, last, so the consent page shows it and the user may untick it:
 *
 * - not asked for: a refresh token is issued when the client registered the `refresh_token`
 *   grant (2025-11-25 behaviour, SEP-2207 "client capability check");
 * - asked for and approved: the same;
 * - asked for and unticked: no refresh token (the user's risk decision; asking does not guarantee one).
 */
import type { Resource, ScopeDef } from '../contracts';

export const OFFLINE_ACCESS = 'offline_access';

export const OFFLINE_ACCESS_DEF: ScopeDef = {
  name: OFFLINE_ACCESS,
  description: 'Stay connected: renew its access later without asking you again (a refresh token)',
};

/** The names in the resource catalog's order, offline_access (if among them) last. */
export function inCatalogOrder(resource: Resource, names: Iterable<string>): string[] {
  const set = new Set(names);
  const ordered = resource.scopes.map((x) => x.name).filter((n) => n !== OFFLINE_ACCESS && set.has(n));
  return set.has(OFFLINE_ACCESS) ? [...ordered, OFFLINE_ACCESS] : ordered;
}

/** What a prompt shows for these names: each catalog entry with its description, then offline access. */
export function scopeDefs(resource: Resource, names: readonly string[]): ScopeDef[] {
  const defs = resource.scopes.filter((x) => x.name !== OFFLINE_ACCESS && names.includes(x.name));
  return names.includes(OFFLINE_ACCESS) ? [...defs, OFFLINE_ACCESS_DEF] : defs;
}

/** The resource scopes among the names: what the access token carries. */
export const resourceScopes = (names: readonly string[]): string[] => names.filter((n) => n !== OFFLINE_ACCESS);

/** Whether the code issued for `approved` (out of `requested`) may come with a refresh token. */
export const refreshAllowed = (requested: readonly string[], approved: readonly string[]): boolean => !requested.includes(OFFLINE_ACCESS) || approved.includes(OFFLINE_ACCESS);
