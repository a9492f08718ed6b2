/**
 * Keyed rows as two layers: `durable` (what the files hold) and `view` (durable plus writes that
 * are staged or syncing). Readers see the view, so a request that stages a change is seen by the
 * next request at once (a revoked consent is revoked for every request from then on, before its
 * fsync finishes). When a write fails, the keys it touched go back to their durable value with any
 * later staged changes re-applied on top: the in-memory state never shows a row that failed to
 * persist.
 */
export interface Change<T> {
  key: string;
  row: T | null;
}

export class LayeredRows<T> {
  readonly durable = new Map<string, T>();
  readonly view = new Map<string, T>();

  /** Loads a row read from disk at open. */
  load(key: string, row: T): void {
    this.durable.set(key, row);
    this.setView(key, row);
  }

  /** Drops a row from both layers (compaction of dead rows). */
  forget(key: string): void {
    this.durable.delete(key);
    this.setView(key, undefined);
  }

  stage(change: Change<T>): void {
    this.setView(change.key, change.row ?? undefined);
  }

  /** The durable layer after `changes`, without touching it (what the next file write holds). */
  durableWith(changes: Iterable<Change<T>>): Map<string, T> {
    const next = new Map(this.durable);
    for (const c of changes) {
      if (c.row === null) next.delete(c.key);
      else next.set(c.key, c.row);
    }
    return next;
  }

  committed(changes: Iterable<Change<T>>): void {
    for (const c of changes) {
      if (c.row === null) this.durable.delete(c.key);
      else this.durable.set(c.key, c.row);
    }
  }

  /** `failed` did not persist; `later` were staged after it and still stand. */
  failed(failed: Iterable<Change<T>>, later: Iterable<Change<T>>): void {
    const keys = new Set<string>();
    for (const c of failed) keys.add(c.key);
    const target = new Map<string, T | undefined>();
    for (const key of keys) target.set(key, this.durable.get(key));
    for (const c of later) if (keys.has(c.key)) target.set(c.key, c.row ?? undefined);
    for (const [key, row] of target) this.setView(key, row);
  }

  private setView(key: string, row: T | undefined): void {
    if (row === undefined) this.view.delete(key);
    else this.view.set(key, row);
  }
}

/** Rows handed to and from the store are frozen copies: a caller mutating one in place would
 * desynchronise memory from disk (and the hash index from its row) without any write. */
export function frozenCopy<T>(row: T): T {
  return deepFreeze(structuredClone(row));
}

/** For rows nobody else holds (just parsed from a file, or handed over by the caller): freezing is enough. */
export function frozenInPlace<T>(row: T): T {
  return deepFreeze(row);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}
