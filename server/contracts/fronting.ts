/**
 * Fronting links (the product's `fronting_links`): a gateway resource (`source`) may exchange a
 * user's token for one bound to a hidden resource (`target`) with RFC 8693 token exchange; the
 * `scope_map` translates each source scope into one or more target scopes.
 */
import { z } from 'zod';
import { IsoTime, ScopeName, Slug } from './common';
import { Bool } from './adminQueries';

/** `{ "A": ["AA"], "read": ["repo", "org"] }`: source scope → target scopes (at least one, no duplicates). */
export const ScopeMap = z
  .record(ScopeName, z.array(ScopeName).min(1, 'each scope_map entry must list at least one target scope').max(50))
  .refine((m) => Object.keys(m).length > 0, 'scope_map must contain at least one entry')
  .refine((m) => Object.keys(m).length <= 100, 'scope_map may have at most 100 entries')
  .refine((m) => Object.values(m).every((t) => new Set(t).size === t.length), 'a scope_map entry lists the same target scope twice');
export type ScopeMap = z.infer<typeof ScopeMap>;

export const FrontingLinkInput = z
  .object({
    source: Slug,
    target: Slug,
    scope_map: ScopeMap,
  })
  .strict()
  .refine((l) => l.source !== l.target, { message: 'source and target must differ (no self-loop)', path: ['target'] });
export type FrontingLinkInput = z.input<typeof FrontingLinkInput>;

/** PATCH /admin/api/fronting/:source/:target: the scope map is replaced whole (its ends are the key). */
export const FrontingLinkPatch = z.strictObject({ scope_map: ScopeMap });
export type FrontingLinkPatch = z.input<typeof FrontingLinkPatch>;

export const FrontingLink = z.object({
  /** `source/target`: the row key, and the admin API path under /fronting. */
  id: z.string(),
  source: Slug,
  target: Slug,
  scope_map: ScopeMap,
  created_at: IsoTime,
  /** Set when the scope map was last replaced. */
  updated_at: IsoTime.optional(),
});
export type FrontingLink = z.infer<typeof FrontingLink>;

/** GET /admin/api/resources/:slug/fronting, as the product: the links a resource is part of. */
export const ResourceFronting = z.object({
  slug: Slug,
  fronts: z.array(FrontingLink),
  fronted_by: z.array(FrontingLink),
});
export type ResourceFronting = z.infer<typeof ResourceFronting>;

export const frontingKey = (source: string, target: string): string => `${source}/${target}`;

/**
 * The CLI's `--scope-map A:AA,B:BB` (product syntax; `+` fans one source scope out to several
 * target scopes: `read:repo+org`). Throws an Error naming the bad part.
 */
export function parseScopeMapSpec(spec: string): ScopeMap {
  const out: Record<string, string[]> = {};
  for (const part of spec.split(',').map((p) => p.trim())) {
    const m = /^([^:\s]+):([^:\s]+)$/.exec(part);
    if (!m) throw new Error(`--scope-map entry "${part}" must be SOURCE:TARGET (e.g. A:AA, or read:repo+org to fan out)`);
    const targets = m[2]!.split('+');
    if (targets.some((t) => t === '')) throw new Error(`--scope-map entry "${part}" has an empty target scope`);
    if (out[m[1]!]) throw new Error(`--scope-map names source scope "${m[1]}" twice; fan out with + instead (${m[1]}:${[...out[m[1]!]!, ...targets].join('+')})`);
    out[m[1]!] = targets;
  }
  return out;
}

/** The inverse of parseScopeMapSpec: `A:AA,read:repo+org`. */
export function formatScopeMap(map: ScopeMap): string {
  return Object.entries(map)
    .map(([src, targets]) => `${src}:${targets.join('+')}`)
    .join(',');
}

/** The target scopes a set of source scopes maps to (each once, in map order). */
export function mapScopes(map: ScopeMap, sourceScopes: string[]): string[] {
  const out = new Set<string>();
  for (const s of sourceScopes) for (const t of map[s] ?? []) out.add(t);
  return [...out];
}

/** The source scopes that map to a target scope. */
export function sourcesOf(map: ScopeMap, targetScope: string): string[] {
  return Object.entries(map)
    .filter(([, targets]) => targets.includes(targetScope))
    .map(([src]) => src);
}

/** POST and PATCH /admin/api/fronting…?dry_run=true validate without storing (the product's `--dry-run`). */
export const FrontingCreateQuery = z.strictObject({ dry_run: Bool.optional() });
/** DELETE /admin/api/resources/:slug?cascade=true also removes the fronting links naming it. */
export const ResourceDeleteQuery = z.strictObject({ cascade: Bool.optional() });
