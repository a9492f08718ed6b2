/**
 * YAML seed → idempotent creates through the domain services.
 *
 * - The whole file is parsed and validated first (schema, duplicates inside the file, conflicts
 *   with what is already stored); nothing is written unless every row is valid.
 * - Every error names its line: `seed.yaml:7: resources[0].uri: uri must be an absolute http(s) URL`.
 * - Idempotent, like the product: a row whose slug / client_id / sub already exists is not
 *   created again. When the stored row differs from the seed in a field the seed states, the
 *   difference is reported (a warning naming each field) and left alone, unless `update` is set
 *   (`seed apply --update`): then exactly those fields are patched. A client without
 *   `client_id` is matched by name.
 */
import { readFile } from 'node:fs/promises';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { InvalidRequest } from '../errors';
import type { Services } from '../domain/services';
import { clientDiff, describeDiff, patchOf, resourceDiff, userDiff, type FieldDiff } from './seedDiff';
import { IGNORED_RESOURCE_KEYS, IGNORED_TOP_LEVEL, SeedFile, toClientInput, toResourceInput } from './schema';

type Ids = { resources: string[]; clients: string[]; users: string[] };

export interface SeedResult {
  created: Ids;
  /** Already stored and equal to the seed. */
  skipped: Ids;
  /** Stored rows that differ from the seed: patched (`update`), else reported in `warnings`. */
  differing: Ids;
  updated: Ids;
  /** Every client of the seed with its id; `client_secret` only when it was just created (shown once). */
  clients: Array<{ name: string; client_id: string; created: boolean; client_secret?: string }>;
  /** Ignored product keys and similar notes, each with its line. */
  warnings: string[];
  /** Only when the seed has a `fronting:` section: links as `source/target`. */
  fronting?: { created: string[]; skipped: string[] };
}

/** A seed that cannot be applied; `issues` has one `file:line: path: message` per problem. */
export class SeedError extends InvalidRequest {
  readonly issues: string[];
  constructor(issues: string[]) {
    super(issues.length === 1 ? issues[0]! : `${issues.length} problems: ${issues.join('; ')}`);
    this.name = 'SeedError';
    this.issues = issues;
    this.extra = { issues };
  }
}

type Path = ReadonlyArray<PropertyKey>;

export function formatPath(path: Path): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}

interface Ranged {
  range?: [number, number, number] | null;
}

function keyOf(k: unknown): string | undefined {
  if (isScalar(k)) return String(k.value);
  if (typeof k === 'string' || typeof k === 'number') return String(k);
  return undefined;
}

/**
 * The offset of the node a zod path points at: the value for scalars, the key for block
 * collections (so `scopes:` rather than its first item), the nearest existing ancestor when the
 * path names something missing.
 */
function offsetOf(doc: Document, path: Path): number {
  let node: unknown = doc.contents;
  let best = (node as Ranged | null)?.range?.[0] ?? 0;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => keyOf(p.key) === String(seg));
      if (!pair) return best;
      const keyStart = (pair.key as Ranged | null)?.range?.[0];
      const value = pair.value as unknown;
      const valueStart = (value as Ranged | null)?.range?.[0];
      if (last) return (isScalar(value) ? valueStart : keyStart) ?? keyStart ?? best;
      best = keyStart ?? best;
      node = value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as unknown;
      const start = (item as Ranged | null)?.range?.[0];
      if (start === undefined) return best;
      best = start;
      node = item;
    } else {
      return best;
    }
  }
  return best;
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) return `is required (expected ${issue.expected})`;
  if (issue.code === 'unrecognized_keys') {
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  }
  return issue.message;
}

class Located {
  private readonly errs: Array<{ line: number; text: string }> = [];
  private readonly warns: Array<{ line: number; text: string }> = [];
  constructor(
    private readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  line(path: Path): number {
    return this.lines.linePos(offsetOf(this.doc, path)).line;
  }

  private entry(path: Path, message: string): { line: number; text: string } {
    const p = formatPath(path);
    const line = this.line(path);
    return { line, text: `${this.file}:${line}: ${p ? `${p}: ` : ''}${message}` };
  }

  error(path: Path, message: string): void {
    this.errs.push(this.entry(path, message));
  }

  warn(path: Path, message: string): void {
    this.warns.push(this.entry(path, message));
  }

  /** In file order (Array.prototype.sort is stable: same-line problems keep their order). */
  get issues(): string[] {
    return [...this.errs].sort((a, b) => a.line - b.line).map((e) => e.text);
  }

  get warnings(): string[] {
    return [...this.warns].sort((a, b) => a.line - b.line).map((e) => e.text);
  }
}

/** Parses and validates a seed without touching the store. Throws SeedError on any problem. */
export function parseSeed(services: Services, yamlText: string, opts: { file?: string } = {}): { seed: SeedFile; warnings: string[] } {
  const file = opts.file ?? 'seed.yaml';
  const lines = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    throw new SeedError(
      doc.errors.map((e) => {
        const line = e.linePos?.[0]?.line ?? lines.linePos(e.pos[0]).line;
        return `${file}:${line}: invalid YAML: ${e.message.split('\n')[0]}`;
      }),
    );
  }
  const at = new Located(file, doc, lines);
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (e) {
    // An alias bomb ("billion laughs") is refused by the YAML library with a ReferenceError: a bad seed, not a crash.
    throw new SeedError([`${file}: invalid YAML: ${(e as Error).message}`]);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    at.error([], 'a seed must be a mapping with resources:, clients: and/or users:');
    throw new SeedError(at.issues);
  }

  const parsed = SeedFile.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.code === 'unrecognized_keys' && issue.keys.length === 1 ? [...issue.path, issue.keys[0]!] : issue.path;
      at.error(path, issueMessage(issue));
    }
    throw new SeedError(at.issues);
  }
  const seed = parsed.data;

  for (const key of IGNORED_TOP_LEVEL) {
    if (key in (raw as Record<string, unknown>)) at.warn([key], `ignored: "${key}" is configured by \`authserver serve\` flags locally`);
  }
  (seed.resources ?? []).forEach((r, i) => {
    for (const key of IGNORED_RESOURCE_KEYS) if (r[key] !== undefined) at.warn(['resources', i, key], `ignored: "${key}" has no effect in the local edition`);
  });

  // Duplicates inside the file and conflicts with stored rows: all found before any write.
  const slugs = new Map<string, number>();
  const uris = new Map<string, number>();
  (seed.resources ?? []).forEach((r, i) => {
    const prevSlug = slugs.get(r.slug);
    if (prevSlug !== undefined) at.error(['resources', i, 'slug'], `duplicate slug "${r.slug}" (also resources[${prevSlug}], line ${at.line(['resources', prevSlug, 'slug'])})`);
    else slugs.set(r.slug, i);
    const prevUri = uris.get(r.uri);
    if (prevUri !== undefined) at.error(['resources', i, 'uri'], `duplicate uri "${r.uri}" (also resources[${prevUri}], line ${at.line(['resources', prevUri, 'uri'])})`);
    else uris.set(r.uri, i);
    // A row that will be created must not take a URI another stored resource already has.
    if (!services.deps.store.resources.get(r.slug)) {
      const owner = services.resources.list().find((x) => x.uri === r.uri);
      if (owner) at.error(['resources', i, 'uri'], `uri "${r.uri}" is already registered as resource "${owner.slug}"`);
    }
  });
  const ids = new Map<string, number>();
  const names = new Map<string, number>();
  (seed.clients ?? []).forEach((c, i) => {
    if (c.client_id !== undefined) {
      const prev = ids.get(c.client_id);
      if (prev !== undefined) at.error(['clients', i, 'client_id'], `duplicate client_id "${c.client_id}" (also clients[${prev}], line ${at.line(['clients', prev, 'client_id'])})`);
      else ids.set(c.client_id, i);
    } else {
      const prev = names.get(c.name);
      if (prev !== undefined) at.error(['clients', i, 'name'], `duplicate client name "${c.name}" without client_id (also clients[${prev}]); give each a client_id`);
      else names.set(c.name, i);
    }
  });
  // Fronting links name resources of this seed or stored ones; checked here so a bad link writes nothing.
  const scopesOf = (slug: string) => (seed.resources ?? []).find((r) => r.slug === slug)?.scopes.map((x) => x.name) ?? services.resources.get(slug)?.scopes.map((x) => x.name);
  (seed.fronting ?? []).forEach((l, i) => {
    for (const end of ['source', 'target'] as const) {
      const scopes = scopesOf(l[end]);
      if (!scopes) {
        at.error(['fronting', i, end], `${end} resource "${l[end]}" is neither in this seed nor stored`);
        continue;
      }
      const names = end === 'source' ? Object.keys(l.scope_map) : Object.values(l.scope_map).flat();
      const unknown = names.filter((n) => !scopes.includes(n));
      if (unknown.length) at.error(['fronting', i, 'scope_map'], `${end} scope ${unknown.map((n) => `"${n}"`).join(', ')} is not defined on resource "${l[end]}" (its scopes: ${scopes.join(' ') || 'none'})`);
    }
  });
  const subs = new Map<string, number>();
  (seed.users ?? []).forEach((u, i) => {
    const prev = subs.get(u.sub);
    if (prev !== undefined) at.error(['users', i, 'sub'], `duplicate sub "${u.sub}" (also users[${prev}], line ${at.line(['users', prev, 'sub'])})`);
    else subs.set(u.sub, i);
  });
  if (at.issues.length) throw new SeedError(at.issues);
  return { seed, warnings: at.warnings };
}

/** Validates the whole seed, then creates what does not exist yet (and, with `update`, patches what differs). */
export async function applySeed(services: Services, yamlText: string, opts: { file?: string; update?: boolean } = {}): Promise<SeedResult> {
  const { seed, warnings } = parseSeed(services, yamlText, opts);
  const empty = (): Ids => ({ resources: [], clients: [], users: [] });
  const result: SeedResult = { created: empty(), skipped: empty(), differing: empty(), updated: empty(), clients: [], warnings };

  /** An existing row: equal (skipped), or different (patched with `update`, else a warning). */
  const existing = async (kind: keyof Ids, id: string, d: FieldDiff[], patch: () => Promise<unknown>) => {
    if (d.length === 0) return void result.skipped[kind].push(id);
    if (opts.update) {
      await patch();
      return void result.updated[kind].push(id);
    }
    result.differing[kind].push(id);
    result.warnings.push(`${kind.slice(0, -1)} "${id}" differs from the seed (${describeDiff(d)}); left as stored: \`seed apply --update\` applies the seed`);
  };

  for (const u of seed.users ?? []) {
    const stored = services.users.get(u.sub);
    if (stored) {
      const d = userDiff(stored, u);
      await existing('users', u.sub, d, () => services.users.update(u.sub, patchOf(d)));
      continue;
    }
    await services.users.create(u);
    result.created.users.push(u.sub);
  }

  for (const r of seed.resources ?? []) {
    const stored = services.deps.store.resources.get(r.slug);
    if (stored) {
      const d = resourceDiff(stored, r);
      await existing('resources', r.slug, d, () => services.resources.update(r.slug, patchOf(d)));
      continue;
    }
    const row = await services.resources.create(toResourceInput(r));
    result.created.resources.push(row.slug);
  }

  if (seed.fronting) {
    result.fronting = { created: [], skipped: [] };
    for (const l of seed.fronting) {
      const stored = services.fronting.get(l.source, l.target);
      if (stored) {
        if (JSON.stringify(stored.scope_map) !== JSON.stringify(l.scope_map)) result.warnings.push(`fronting link "${stored.id}" differs from the seed (scope_map); left as stored: delete it (authserver admin fronting delete) to apply the seed's`);
        result.fronting.skipped.push(stored.id);
        continue;
      }
      result.fronting.created.push((await services.fronting.create(l)).id);
    }
  }

  for (const c of seed.clients ?? []) {
    const stored = c.client_id !== undefined ? services.clients.get(c.client_id) : services.clients.list().find((x) => x.client_name === c.name);
    if (stored) {
      const d = clientDiff(stored, c);
      await existing('clients', stored.client_id, d, () => services.clients.update(stored.client_id, patchOf(d)));
      if (c.auth_method !== undefined && c.auth_method !== stored.token_endpoint_auth_method) {
        result.warnings.push(`client "${stored.client_id}": auth_method ${stored.token_endpoint_auth_method} → ${c.auth_method} is not applied (fixed at creation; delete the client to change it)`);
      }
      result.clients.push({ name: c.name, client_id: stored.client_id, created: false });
      continue;
    }
    const created = await services.clients.create(toClientInput(c), 'admin');
    result.created.clients.push(created.client_id);
    result.clients.push({
      name: c.name,
      client_id: created.client_id,
      created: true,
      ...(created.client_secret ? { client_secret: created.client_secret } : {}),
    });
  }
  return result;
}

/** Reads a seed file and applies it; errors name the file as given. */
export async function applySeedFile(services: Services, file: string): Promise<SeedResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InvalidRequest(`cannot read seed file ${file}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  return applySeed(services, text, { file });
}
