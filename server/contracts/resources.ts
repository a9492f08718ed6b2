/** A resource is an MCP server protected by AuthPlane; its `uri` is the JWT `aud`, byte for byte. */
import { z } from 'zod';
import { IsoTime, ScopeDef, Seconds, SigningAlg, Slug, absoluteHttpUrl } from './common';

export const ResourceLifetimes = z.object({
  access_token_ttl: Seconds.optional(),
  refresh_token_ttl: Seconds.optional(),
  code_ttl: z.number().int().min(60).max(600).optional(),
});

/**
 * The product's resource policy, the part that has an effect locally: `exchange.allowed_client_ids`
 * names the clients that may exchange tokens for this resource (RFC 8693; empty = any client with
 * the token-exchange grant). `runtime.client_ids` names the clients that may act as this resource:
 * introspect its tokens (empty = none but the token's own client). `connect` is Broker-only (not here).
 */
export const ResourcePolicy = z.object({
  exchange: z.object({ allowed_client_ids: z.array(z.string().min(1).max(255)).max(100).default([]) }).optional(),
  runtime: z.object({ client_ids: z.array(z.string().min(1).max(255)).max(100).default([]) }).optional(),
});
export type ResourcePolicy = z.infer<typeof ResourcePolicy>;

/** POST /admin/api/resources/:slug/policy/{runtime/client-ids, exchange/allowed-clients}. */
export const PolicyClientInput = z.strictObject({ client_id: z.string().min(1, 'client_id is required').max(255) });
export type PolicyClientInput = z.input<typeof PolicyClientInput>;

const scopesUnique = (scopes: { name: string }[]) => new Set(scopes.map((s) => s.name)).size === scopes.length;

/** The fields without defaults: a patch must never fill in what the caller left out. */
const ResourceFields = z
  .object({
    slug: Slug,
    uri: absoluteHttpUrl('uri must be an absolute http(s) URL with a host and no fragment'),
    backend_kind: z.literal('mint', { error: 'backend_kind must be "mint" (broker resources are not supported locally)' }),
    display_name: z.string().min(1).max(200).optional(),
    scopes: z.array(ScopeDef).max(100).refine(scopesUnique, 'scope names must be unique within a resource'),
    signing_alg: SigningAlg.optional(),
    /** Used when an authorization request has no `resource` and several resources exist. */
    is_default: z.boolean().optional(),
    policy: ResourcePolicy.optional(),
  })
  .extend(ResourceLifetimes.shape);

export const ResourceInput = ResourceFields.extend({
  backend_kind: ResourceFields.shape.backend_kind.default('mint'),
  scopes: ResourceFields.shape.scopes.default([]),
});
export type ResourceInput = z.input<typeof ResourceInput>;

export const ResourcePatch = ResourceFields.partial().omit({ slug: true });
export type ResourcePatch = z.input<typeof ResourcePatch>;

export const Resource = z
  .object({
    id: z.string(),
    slug: Slug,
    uri: z.string(),
    backend_kind: z.literal('mint'),
    display_name: z.string(),
    scopes: z.array(ScopeDef),
    signing_alg: SigningAlg.optional(),
    is_default: z.boolean().optional(),
    policy: ResourcePolicy.optional(),
    created_at: IsoTime,
    updated_at: IsoTime,
  })
  .extend(ResourceLifetimes.shape);
export type Resource = z.infer<typeof Resource>;
