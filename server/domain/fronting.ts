/**
 * Fronting links: which gateway resource may exchange tokens for which hidden resource, and how
 * scopes translate. Validated against the resource registry the way the product's
 * FrontingService does (both ends exist, scope names in each catalog, no duplicate, no cycle).
 */
import { Conflict, InvalidRequest, NotFound } from '../errors';
import { FrontingLink, FrontingLinkInput, FrontingLinkPatch, frontingKey, type ResourceFronting, type ScopeMap } from '../contracts';
import { iso } from '../clock';
import { parseOrThrow } from './parse';
import type { CoreDeps } from './deps';

export class FrontingService {
  constructor(private readonly d: CoreDeps) {}

  list(): FrontingLink[] {
    return this.d.store.fronting.list();
  }

  get(source: string, target: string): FrontingLink | undefined {
    return this.d.store.fronting.get(frontingKey(source, target));
  }

  require(source: string, target: string): FrontingLink {
    const link = this.get(source, target);
    if (!link) throw new NotFound(`fronting link "${source}" -> "${target}" not found`);
    return link;
  }

  /** The links a resource is part of, as the product's GET /admin/resources/{slug}/fronting. */
  forResource(slug: string): ResourceFronting {
    const all = this.list();
    return { slug, fronts: all.filter((l) => l.source === slug), fronted_by: all.filter((l) => l.target === slug) };
  }

  /** Validates and (unless `dryRun`) stores a new link; a dry run returns the row it would store. */
  async create(input: unknown, opts: { dryRun?: boolean } = {}): Promise<FrontingLink> {
    const v = parseOrThrow(FrontingLinkInput, input);
    this.checkScopeMap(v.source, v.target, v.scope_map);
    if (this.get(v.source, v.target)) throw new Conflict(`fronting link "${v.source}" -> "${v.target}" already exists`);
    const loop = this.pathBetween(v.target, v.source);
    if (loop) throw new InvalidRequest(`fronting link "${v.source}" -> "${v.target}" would close a cycle (${[...loop, v.target].join(' -> ')})`);
    const row: FrontingLink = FrontingLink.parse({ id: frontingKey(v.source, v.target), ...v, created_at: iso(this.d.clock.now()) });
    if (opts.dryRun) return row;
    await this.d.store.fronting.put(row.id, row);
    this.d.events.emit('fronting_link.created', { link: row });
    return row;
  }

  /** Replaces a link's scope map, checked as on create; a dry run returns the row it would store. */
  async update(source: string, target: string, input: unknown, opts: { dryRun?: boolean } = {}): Promise<FrontingLink> {
    const before = this.require(source, target);
    const v = parseOrThrow(FrontingLinkPatch, input);
    this.checkScopeMap(before.source, before.target, v.scope_map);
    const link: FrontingLink = FrontingLink.parse({ ...before, scope_map: v.scope_map, updated_at: iso(this.d.clock.now()) });
    if (opts.dryRun) return link;
    await this.d.store.fronting.put(link.id, link);
    this.d.events.emit('fronting_link.patched', { link, before });
    return link;
  }

  async delete(source: string, target: string): Promise<FrontingLink> {
    const link = this.require(source, target);
    await this.d.store.fronting.remove(link.id);
    this.d.events.emit('fronting_link.deleted', { link });
    return link;
  }

  /** Removes every link naming a resource (its deletion with cascade); returns what was removed. */
  async deleteFor(slug: string): Promise<FrontingLink[]> {
    const links = this.list().filter((l) => l.source === slug || l.target === slug);
    if (links.length === 0) return [];
    await this.d.store.fronting.batch(links.map((l) => ({ key: l.id, row: null })));
    for (const link of links) this.d.events.emit('fronting_link.deleted', { link });
    return links;
  }

  /** Both ends exist and every scope the map names is in the right resource's catalog. */
  private checkScopeMap(sourceSlug: string, targetSlug: string, map: ScopeMap): void {
    const source = this.d.store.resources.get(sourceSlug);
    const target = this.d.store.resources.get(targetSlug);
    if (!source) throw new InvalidRequest(`source resource "${sourceSlug}" does not exist`);
    if (!target) throw new InvalidRequest(`target resource "${targetSlug}" does not exist`);
    const sourceScopes = source.scopes.map((s) => s.name);
    const targetScopes = target.scopes.map((s) => s.name);
    for (const [src, targets] of Object.entries(map)) {
      if (!sourceScopes.includes(src)) throw new InvalidRequest(`scope_map: source scope "${src}" is not defined on resource "${source.slug}" (its scopes: ${sourceScopes.join(' ') || 'none'})`);
      const unknown = targets.filter((t) => !targetScopes.includes(t));
      if (unknown.length) throw new InvalidRequest(`scope_map: target scope ${unknown.map((t) => `"${t}"`).join(', ')} is not defined on resource "${target.slug}" (its scopes: ${targetScopes.join(' ') || 'none'})`);
    }
  }

  /** A chain of links from `from` to `to` (slugs in order), or undefined. */
  private pathBetween(from: string, to: string): string[] | undefined {
    const seen = new Set<string>();
    const walk = (at: string, path: string[]): string[] | undefined => {
      if (at === to) return path;
      if (seen.has(at)) return undefined;
      seen.add(at);
      for (const l of this.list()) if (l.source === at) {
        const found = walk(l.target, [...path, l.target]);
        if (found) return found;
      }
      return undefined;
    };
    return walk(from, [from]);
  }
}
