/**
 * The YAML seed format: the product's `resources:` section (unchanged, so product seeds load),
 * plus local-only `clients:` and `users:` sections. Field rules come from the shared contracts;
 * only the seed's own spelling (`name`, `auth_method`, `scopes`) is declared here.
 */
import { z } from 'zod';
import { ApplicationType, AuthMethod, ClientInput, FrontingLinkInput, GrantType, parseScopeMapSpec, RedirectUri, ResourceInput, ScopeDef, UserInput } from '../contracts';

/** Product keys that are accepted and ignored (with a warning): they mean nothing locally. */
export const IGNORED_TOP_LEVEL = ['server', 'oauth', 'dcr', 'broker_providers'] as const;
export const IGNORED_RESOURCE_KEYS = ['description', 'broker_provider_id', 'broker_provider_slug'] as const;

export const SeedResource = ResourceInput.extend({
  description: z.unknown().optional(),
  broker_provider_id: z.unknown().optional(),
  broker_provider_slug: z.unknown().optional(),
}).strict();
export type SeedResource = z.infer<typeof SeedResource>;

/** A client scope: a bare name, or `{name, description}` as in a resource catalog (descriptions ignored). */
const SeedClientScope = z.preprocess((v) => (typeof v === 'string' ? { name: v } : v), ScopeDef.strict());

export const SeedClient = z
  .object({
    name: ClientInput.shape.client_name,
    client_id: ClientInput.shape.client_id,
    grant_types: z.array(GrantType).min(1, 'grant_types must not be empty').optional(),
    auth_method: AuthMethod.optional(),
    scopes: z.array(SeedClientScope).optional(),
    redirect_uris: z.array(RedirectUri).max(20).optional(),
    application_type: ApplicationType.optional(),
  })
  .strict();
export type SeedClient = z.infer<typeof SeedClient>;

export const SeedUser = UserInput.strict();
export type SeedUser = z.infer<typeof SeedUser>;

/**
 * A fronting link (local-only section, applied after resources: the product declares links
 * through its admin API only). `scope_map` as the API takes it, or as the CLI's `A:AA,B:BB`.
 */
export const SeedFronting = z.preprocess((v) => {
  if (typeof v !== 'object' || v === null || typeof (v as { scope_map?: unknown }).scope_map !== 'string') return v;
  try {
    return { ...v, scope_map: parseScopeMapSpec((v as { scope_map: string }).scope_map) };
  } catch {
    return v; // the object schema then says what scope_map must be
  }
}, FrontingLinkInput);
export type SeedFronting = z.infer<typeof SeedFronting>;

export const SeedFile = z
  .object({
    resources: z.array(SeedResource).nullish(),
    fronting: z.array(SeedFronting).nullish(),
    clients: z.array(SeedClient).nullish(),
    users: z.array(SeedUser).nullish(),
    server: z.unknown().optional(),
    oauth: z.unknown().optional(),
    dcr: z.unknown().optional(),
    broker_providers: z.unknown().optional(),
  })
  .strict();
export type SeedFile = z.infer<typeof SeedFile>;

/** The ClientService input a seed client maps to. */
export function toClientInput(c: SeedClient): z.input<typeof ClientInput> {
  return {
    client_name: c.name,
    ...(c.client_id !== undefined ? { client_id: c.client_id } : {}),
    ...(c.grant_types ? { grant_types: c.grant_types } : {}),
    ...(c.auth_method ? { token_endpoint_auth_method: c.auth_method } : {}),
    scope: (c.scopes ?? []).map((s) => s.name),
    redirect_uris: c.redirect_uris ?? [],
    ...(c.application_type ? { application_type: c.application_type } : {}),
  };
}

/** The ResourceService input a seed resource maps to (ignored product keys dropped). */
export function toResourceInput(r: SeedResource): z.input<typeof ResourceInput> {
  const { description: _d, broker_provider_id: _b, broker_provider_slug: _s, ...rest } = r;
  return rest;
}
