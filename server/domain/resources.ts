/** Resource service: the MCP servers AuthPlane mints tokens for. */
import { Conflict, NotFound } from '../errors';
import { Resource, ResourceInput, ResourcePatch } from '../contracts';
import { iso } from '../clock';
import { parseOrThrow } from './parse';
import { randomId } from './crypto';
import type { CoreDeps } from './deps';
import type { KeyService } from './keys';
import type { FrontingService } from './fronting';

export class ResourceService {
  constructor(
    private readonly d: CoreDeps,
    private readonly keys: KeyService,
    private readonly fronting: FrontingService,
  ) {}

  list(): Resource[] {
    return this.d.store.resources.list();
  }

  get(slugOrUri: string): Resource | undefined {
    return this.d.store.resources.get(slugOrUri) ?? this.list().find((r) => r.uri === slugOrUri || r.id === slugOrUri);
  }

  require(slugOrUri: string): Resource {
    const r = this.get(slugOrUri);
    if (!r) throw new NotFound(`resource "${slugOrUri}" not found`);
    return r;
  }

  async create(input: unknown): Promise<Resource> {
    const v = parseOrThrow(ResourceInput, input);
    if (this.d.store.resources.get(v.slug)) throw new Conflict(`resource "${v.slug}" already exists`);
    const dup = this.list().find((r) => r.uri === v.uri);
    if (dup) throw new Conflict(`resource URI "${v.uri}" is already registered as "${dup.slug}"`);
    const now = iso(this.d.clock.now());
    const row: Resource = Resource.parse({ ...v, id: randomId(), display_name: v.display_name ?? v.slug, created_at: now, updated_at: now });
    const changes: Array<{ key: string; row: Resource | null }> = [{ key: row.slug, row }];
    if (row.is_default) for (const r of this.list()) if (r.is_default) changes.push({ key: r.slug, row: { ...r, is_default: false } });
    await this.d.store.resources.batch(changes);
    this.d.events.emit('resource.created', { resource: row });
    await this.keyFor(row);
    return row;
  }

  async update(slug: string, patch: unknown): Promise<Resource> {
    const current = this.require(slug);
    const v = parseOrThrow(ResourcePatch, patch);
    if (v.uri && v.uri !== current.uri) {
      const dup = this.list().find((r) => r.uri === v.uri);
      if (dup) throw new Conflict(`resource URI "${v.uri}" is already registered as "${dup.slug}"`);
    }
    const defined = Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined));
    const row: Resource = Resource.parse({ ...current, ...defined, updated_at: iso(this.d.clock.now()) });
    const changes: Array<{ key: string; row: Resource | null }> = [{ key: row.slug, row }];
    if (row.is_default) for (const r of this.list()) if (r.is_default && r.slug !== row.slug) changes.push({ key: r.slug, row: { ...r, is_default: false } });
    await this.d.store.resources.batch(changes);
    this.d.events.emit('resource.updated', { resource: row });
    await this.keyFor(row);
    return row;
  }

  /** A resource that names its own signing_alg gets tokens signed with it: a key must exist before the first one. */
  private async keyFor(row: Resource): Promise<void> {
    if (row.signing_alg) await this.keys.ensure(row.signing_alg);
  }

  /** A resource named by fronting links is kept (409 listing them) unless `cascade` removes the links too, as the product. */
  async delete(slug: string, opts: { cascade?: boolean } = {}): Promise<void> {
    const r = this.require(slug);
    const links = this.fronting.list().filter((l) => l.source === r.slug || l.target === r.slug);
    if (links.length && !opts.cascade) {
      const err = new Conflict(`resource "${r.slug}" is referenced by fronting link${links.length > 1 ? 's' : ''} ${links.map((l) => `"${l.source}" -> "${l.target}"`).join(', ')}; delete ${links.length > 1 ? 'them' : 'it'} first, or delete with cascade`);
      err.extra = { dependents: links.map((l) => l.id) };
      throw err;
    }
    await this.fronting.deleteFor(r.slug);
    await this.d.store.resources.remove(r.slug);
    this.d.events.emit('resource.deleted', { slug: r.slug });
  }

  /** Union of every resource's scope names, for AS metadata `scopes_supported`. */
  allScopeNames(): string[] {
    const out = new Set<string>();
    for (const r of this.list()) for (const s of r.scopes) out.add(s.name);
    return [...out];
  }
}
