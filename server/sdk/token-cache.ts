/**
 * Bounded LRU of verified tokens. An MCP client sends the same access token on every request
 * for its whole lifetime (15 min by default), so after the first signature check a repeat
 * costs one Map lookup plus an expiry comparison.
 *
 * A Map keeps insertion order, so eviction takes the front. Moving an entry to the back on
 * every hit (delete + set) would be textbook LRU but is slow: each delete leaves a tombstone
 * and V8 periodically rehashes the whole table (measured: ~100k hits/s at 3k entries versus
 * millions without). So a hit only re-inserts an entry that has drifted into the older half of
 * the cache, the half eviction will reach next; hot tokens are still never evicted.
 */
interface Entry<V> {
  value: V;
  validUntilMs: number;
  /** Insertion sequence number when the entry was last (re)inserted. */
  seq: number;
}

export class TokenCache<V> {
  private readonly map = new Map<string, Entry<V>>();
  private seq = 0;

  constructor(private readonly maxEntries: number) {}

  /** The cached value, or undefined when absent or no longer valid at `nowMs`. */
  get(token: string, nowMs: number): V | undefined {
    const entry = this.map.get(token);
    if (entry === undefined) return undefined;
    if (nowMs >= entry.validUntilMs) {
      this.map.delete(token);
      return undefined;
    }
    if (this.seq - entry.seq > this.maxEntries / 2) {
      this.map.delete(token);
      entry.seq = ++this.seq;
      this.map.set(token, entry);
    }
    return entry.value;
  }

  set(token: string, value: V, validUntilMs: number): void {
    if (this.maxEntries <= 0) return;
    this.map.delete(token);
    this.map.set(token, { value, validUntilMs, seq: ++this.seq });
    if (this.map.size > this.maxEntries) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
  }

  get size(): number {
    return this.map.size;
  }

  clear(): void {
    this.map.clear();
  }
}
