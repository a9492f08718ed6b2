/**
 * Bounded LRU of verified tokens. An MCP client sends the same access token on every request
 * for its whole lifetime (15 min by default), so after the first signature check a repeat
 * costs one Map lookup plus an expiry comparison. A Map keeps insertion order, which is all
 * an LRU needs: re-inserting on a hit moves the entry to the back, eviction takes the front.
 */
export class TokenCache<V> {
  private readonly map = new Map<string, { value: V; validUntilMs: number }>();

  constructor(private readonly maxEntries: number) {}

  /** The cached value, or undefined when absent or no longer valid at `nowMs`. */
  get(token: string, nowMs: number): V | undefined {
    const entry = this.map.get(token);
    if (entry === undefined) return undefined;
    if (nowMs >= entry.validUntilMs) {
      this.map.delete(token);
      return undefined;
    }
    this.map.delete(token);
    this.map.set(token, entry);
    return entry.value;
  }

  set(token: string, value: V, validUntilMs: number): void {
    if (this.maxEntries <= 0) return;
    this.map.delete(token);
    this.map.set(token, { value, validUntilMs });
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
