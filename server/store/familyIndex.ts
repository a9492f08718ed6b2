/**
 * What stays in memory per live refresh family (issue 13, docs/family-index.md): a slot holding
 * the facts answered without reading the row (expiry, revocation, client / sub / resource, a
 * generation bumped by every change) and where the family's last durable line is in the token
 * log; plus a map from a 28-bit prefix of every token hash that finds the family (current,
 * previous, consumed) to its slot. A prefix is a lead, not an answer: two hashes may share one, so
 * the caller confirms it against the full row. The rows themselves stay on disk.
 */
import type { FamilyLoc } from './familySidecar';
import { familyTokenHashes, isDead } from './familyRow';
import { jtiHash } from './issuanceSegment';
import type { FamilySummary, RefreshFamily } from './types';

/** A token hash's first 7 hex digits (a SHA-256 hex digest is uniform), or a hash of it when it is not hex. */
export function hashPrefix(hash: string): number {
  const p = parseInt(hash.slice(0, 7), 16);
  return Number.isNaN(p) ? jtiHash(hash) & 0x0fffffff : p;
}

/** The facts of a family as the index holds them (times in ms; NaN: not revoked). */
export interface FamilyFacts extends FamilySummary {
  expiresAt: number;
  revokedAt: number;
}

export const factsOf = (f: RefreshFamily): FamilyFacts => ({
  id: f.id,
  client_id: f.client_id,
  sub: f.sub,
  resource: f.resource,
  expiresAt: Date.parse(f.expires_at),
  revokedAt: f.revoked_at === undefined ? NaN : Date.parse(f.revoked_at),
});

export class FamilyIndex {
  private readonly slotOf = new Map<string, number>();
  private readonly ids: Array<string | undefined> = [];
  private readonly free: number[] = [];
  private capacity = 0;
  private generations = new Float64Array(0);
  private expires = new Float64Array(0);
  private revoked = new Float64Array(0);
  /** client, sub and resource of each slot: indexes into `strings` (they repeat across families). */
  private who = new Uint32Array(0);
  /** The segment number of the last durable line; negated: the line is in that segment's families sidecar; 0: none yet. */
  private locSeg = new Int32Array(0);
  private locStart = new Float64Array(0);
  private locLength = new Uint32Array(0);
  /** The prefixes indexed for each slot (a superset of its row's while a change is in flight). */
  private readonly prefixes: Array<number[] | undefined> = [];
  private readonly byPrefix = new Map<number, number | number[]>();
  private readonly strings: string[] = [];
  private readonly stringIds = new Map<string, number>();
  private nextGeneration = 1;

  /** `prefixOf`: a test seam (forcing prefix collisions). */
  constructor(private readonly prefixOf: (hash: string) => number = hashPrefix) {}

  get size(): number {
    return this.slotOf.size;
  }

  slot(id: string): number | undefined {
    return this.slotOf.get(id);
  }

  entries(): IterableIterator<[string, number]> {
    return this.slotOf.entries();
  }

  /** The generation of the family's slot; 0 when it has none (never a slot's: they start at 1). */
  generation(id: string): number {
    const slot = this.slotOf.get(id);
    return slot === undefined ? 0 : this.generations[slot]!;
  }

  /** The slot of `id`, allocated (with a fresh generation) when it has none. */
  ensure(id: string): number {
    let slot = this.slotOf.get(id);
    if (slot !== undefined) return slot;
    slot = this.free.pop() ?? this.ids.length;
    if (slot >= this.capacity) this.grow(Math.max(1024, this.capacity * 2));
    this.slotOf.set(id, slot);
    this.ids[slot] = id;
    this.prefixes[slot] = [];
    this.locSeg[slot] = 0;
    this.touch(slot);
    return slot;
  }

  /** A change of the family's state: a read before it no longer stands (FamilyStore.put `expect`). */
  touch(slot: number): void {
    this.generations[slot] = this.nextGeneration++;
  }

  /** Records the durable state of a family: its facts and where its line is. */
  setDurable(slot: number, f: RefreshFamily, loc: FamilyLoc): void {
    const facts = factsOf(f);
    this.expires[slot] = facts.expiresAt;
    this.revoked[slot] = facts.revokedAt;
    this.who[slot * 3] = this.intern(f.client_id);
    this.who[slot * 3 + 1] = this.intern(f.sub);
    this.who[slot * 3 + 2] = this.intern(f.resource);
    this.locSeg[slot] = loc.sidecar ? -loc.seg : loc.seg;
    this.locStart[slot] = loc.start;
    this.locLength[slot] = loc.length;
  }

  /** Where the family's last durable line is, or undefined before its first change is durable. */
  loc(slot: number): FamilyLoc | undefined {
    const seg = this.locSeg[slot]!;
    if (seg === 0) return undefined;
    return { seg: Math.abs(seg), sidecar: seg < 0, start: this.locStart[slot]!, length: this.locLength[slot]! };
  }

  /** The durable facts of a slot (call only when loc(slot) is defined). */
  facts(slot: number): FamilyFacts {
    return {
      id: this.ids[slot]!,
      client_id: this.strings[this.who[slot * 3]!]!,
      sub: this.strings[this.who[slot * 3 + 1]!]!,
      resource: this.strings[this.who[slot * 3 + 2]!]!,
      expiresAt: this.expires[slot]!,
      revokedAt: this.revoked[slot]!,
    };
  }

  isDead(slot: number, now: number): boolean {
    return isDead(this.expires[slot]!, this.revoked[slot]!, now);
  }

  /** Ids of the families one of whose token hashes may be `hash` (confirm against the row). */
  candidates(hash: string): string[] {
    const hit = this.byPrefix.get(this.prefixOf(hash));
    if (hit === undefined) return [];
    return typeof hit === 'number' ? [this.ids[hit]!] : hit.map((slot) => this.ids[slot]!);
  }

  /** Adds the prefixes of `f`'s token hashes to the slot's (a staged change: the old ones stay until it is durable). */
  addHashes(slot: number, f: RefreshFamily): void {
    const mine = this.prefixes[slot]!;
    const seen = new Set(mine);
    const added: number[] = [];
    for (const h of familyTokenHashes(f)) {
      const p = this.prefixOf(h);
      if (seen.has(p)) continue;
      seen.add(p);
      added.push(p);
      const hit = this.byPrefix.get(p);
      this.byPrefix.set(p, hit === undefined ? slot : typeof hit === 'number' ? [hit, slot] : [...hit, slot]);
    }
    // concat: an array of exactly this length (push would leave spare capacity in every family's list).
    if (added.length) this.prefixes[slot] = mine.concat(added);
  }

  /** Makes the slot's prefixes exactly those of `f` (its durable state, nothing in flight). */
  setHashes(slot: number, f: RefreshFamily): void {
    const keep = new Set(familyTokenHashes(f).map((h) => this.prefixOf(h)));
    const kept: number[] = [];
    for (const p of this.prefixes[slot]!) {
      if (keep.has(p)) kept.push(p);
      else this.unlink(p, slot);
    }
    this.prefixes[slot] = kept.length === this.prefixes[slot]!.length ? this.prefixes[slot] : kept.slice();
    this.addHashes(slot, f);
  }

  remove(id: string): void {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return;
    for (const p of this.prefixes[slot]!) this.unlink(p, slot);
    this.slotOf.delete(id);
    this.ids[slot] = undefined;
    this.prefixes[slot] = undefined;
    this.free.push(slot);
  }

  /** Drops `slot` from the prefix's entry. */
  private unlink(p: number, slot: number): void {
    const hit = this.byPrefix.get(p);
    if (hit === slot) this.byPrefix.delete(p);
    else if (Array.isArray(hit)) {
      const rest = hit.filter((s) => s !== slot);
      this.byPrefix.set(p, rest.length === 1 ? rest[0]! : rest);
    }
  }

  private intern(value: string): number {
    let n = this.stringIds.get(value);
    if (n === undefined) {
      n = this.strings.push(value) - 1;
      this.stringIds.set(value, n);
    }
    return n;
  }

  private grow(capacity: number): void {
    const to = <T extends Float64Array | Uint32Array | Int32Array>(a: T, make: new (n: number) => T, per = 1): T => {
      const b = new make(capacity * per);
      b.set(a);
      return b;
    };
    this.generations = to(this.generations, Float64Array);
    this.expires = to(this.expires, Float64Array);
    this.revoked = to(this.revoked, Float64Array);
    this.who = to(this.who, Uint32Array, 3);
    this.locSeg = to(this.locSeg, Int32Array);
    this.locStart = to(this.locStart, Float64Array);
    this.locLength = to(this.locLength, Uint32Array);
    this.capacity = capacity;
  }
}
