/**
 * Refresh-token families: an index kept in memory over the token log (issuanceLog.ts), which is
 * their only durable record. A change is one `{"f":family}` line appended there (with the row of
 * the access token minted with it, in the same write); at open the log hands over the last state
 * of each family it holds, and the dead ones (expired, or revoked more than a day ago) are left out.
 *
 * Readers see staged changes at once (layeredRows.ts): a rotated refresh token is "consumed" before
 * its fsync finishes, which is what stops two concurrent refreshes from both succeeding. A hash
 * index (current, previous and consumed token hashes → family id) follows the rows.
 */
import { FamilyChanged, StorageError } from '../errors';
import type { Issuance } from '../contracts';
import { asFamily, familyTokenHashes, isDeadFamily } from './familyRow';
import { type Change, frozenInPlace, LayeredRows } from './layeredRows';
import type { FamilyMatch, FamilyRead, FamilyStore, FamilySummary, RefreshFamily } from './types';

/** Dead families are swept from memory once this many puts (and twice the live count) went by. */
const SWEEP_MIN_PUTS = 10_000;

/** The token log, as the families see it. */
export interface FamilyLog {
  readonly dir: string;
  readonly fileWrites: number;
  appendFamily(family: RefreshFamily, issued?: Issuance): Promise<void>;
}

export class LoggedFamilyStore implements FamilyStore {
  private readonly rows: LayeredRows<RefreshFamily>;
  private readonly byHash = new Map<string, string>();
  /** Bumped by every change of a family's view (staged, or undone after a failed write). */
  private readonly generations = new Map<string, number>();
  private nextGeneration = 1;
  /** Changes submitted and not yet durable, oldest first: a failed one is undone under these. */
  private readonly inFlight: Array<Change<RefreshFamily>> = [];
  private putsSinceSweep = 0;
  private closed = false;

  constructor(
    private readonly log: FamilyLog,
    private readonly now: () => number,
  ) {
    this.rows = new LayeredRows<RefreshFamily>((id, before, after) => this.reindex(id, before, after));
  }

  /** The index over `families` (the last state of each, as the log read them), dead ones left out. */
  static load(log: FamilyLog, families: Iterable<RefreshFamily>, now: () => number): LoggedFamilyStore {
    const store = new LoggedFamilyStore(log, now);
    const t = now();
    // Rows parsed just now and referenced nowhere else: freeze them, no copy (open time grows with live families).
    for (const f of families) if (!isDeadFamily(f, t)) store.rows.load(f.id, frozenInPlace(f));
    return store;
  }

  /** File writes of the token log so far (one per group-committed batch). */
  get fileWrites(): number {
    return this.log.fileWrites;
  }

  read(id: string): Promise<FamilyRead | undefined> {
    const family = this.rows.view.get(id);
    return Promise.resolve(family && { family, generation: this.generations.get(id)! });
  }

  readByTokenHash(hash: string): Promise<FamilyRead | undefined> {
    return this.read(this.byHash.get(hash) ?? '');
  }

  async get(id: string): Promise<RefreshFamily | undefined> {
    return (await this.read(id))?.family;
  }

  async findByTokenHash(hash: string): Promise<RefreshFamily | undefined> {
    return (await this.readByTokenHash(hash))?.family;
  }

  has(id: string): boolean {
    return this.rows.view.has(id);
  }

  put(family: RefreshFamily, issued?: Issuance, opts: { expect?: number } = {}): Promise<void> {
    if (this.closed) return Promise.reject(new StorageError(this.log.dir, `${this.log.dir} is closed (the store was closed)`));
    if (opts.expect !== undefined && opts.expect !== (this.generations.get(family.id) ?? 0)) return Promise.reject(new FamilyChanged(family.id));
    let change: Change<RefreshFamily>;
    try {
      // Frozen where it is, not copied: the caller hands the row over (a later write to it throws).
      const row = frozenInPlace(asFamily(family));
      change = { key: row.id, row };
    } catch (err) {
      return Promise.reject(err);
    }
    this.rows.stage(change);
    this.inFlight.push(change);
    return this.log.appendFamily(change.row!, issued).then(
      () => {
        this.settle(change);
        this.rows.committed([change]);
        if (++this.putsSinceSweep > Math.max(SWEEP_MIN_PUTS, 2 * this.rows.durable.size)) this.sweep();
      },
      (err: unknown) => {
        const later = this.inFlight.slice(this.inFlight.indexOf(change) + 1);
        this.settle(change);
        this.rows.failed([change], later);
        throw err;
      },
    );
  }

  find(match: FamilyMatch): FamilySummary[] {
    const out: FamilySummary[] = [];
    for (const f of this.rows.view.values()) {
      if (match.client_id !== undefined && f.client_id !== match.client_id) continue;
      if (match.sub !== undefined && f.sub !== match.sub) continue;
      if (match.resource !== undefined && f.resource !== match.resource) continue;
      if (match.liveAt !== undefined && (f.revoked_at !== undefined || Date.parse(f.expires_at) <= match.liveAt)) continue;
      out.push({ id: f.id, client_id: f.client_id, sub: f.sub, resource: f.resource });
    }
    return out;
  }

  size(): number {
    return this.rows.view.size;
  }

  /** Refuses later puts; what was submitted is written by the token log's close. */
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  private settle(change: Change<RefreshFamily>): void {
    const i = this.inFlight.indexOf(change);
    if (i >= 0) this.inFlight.splice(i, 1);
  }

  /** Drops dead families from memory (their lines stay in the log; the next open skips them too). */
  private sweep(): void {
    this.putsSinceSweep = 0;
    const now = this.now();
    for (const [id, row] of [...this.rows.durable]) {
      // A family with a staged (not yet durable) change is kept: that write will follow.
      if (isDeadFamily(row, now) && this.rows.view.get(id) === row) this.rows.forget(id);
    }
  }

  private reindex(id: string, before: RefreshFamily | undefined, after: RefreshFamily | undefined): void {
    if (before) for (const h of familyTokenHashes(before)) if (this.byHash.get(h) === id) this.byHash.delete(h);
    if (after) for (const h of familyTokenHashes(after)) this.byHash.set(h, id);
    if (after) this.generations.set(id, this.nextGeneration++);
    else this.generations.delete(id);
  }
}
