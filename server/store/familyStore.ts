/**
 * Refresh-token families over the token log (issuanceLog.ts), which is their only durable record:
 * a change is one `{"f":family}` line appended there (with the row of the access token minted with
 * it, in the same write). Memory holds an index (familyIndex.ts: facts, token-hash prefixes and
 * where each family's last durable line is), not the rows: a read is the staged row, or one
 * positioned read of that line (docs/family-index.md).
 *
 * A change is staged before its append and its row stays in memory until the append is durable,
 * so readers see it at once and the index never points at a line that could still be torn. Every
 * change bumps the family's generation; a put made on what an earlier read returned passes that
 * generation (`expect`) and is refused with FamilyChanged if another change was staged in
 * between: of two concurrent refreshes of one token exactly one rotates it.
 */
import { FamilyChanged, StorageError } from '../errors';
import type { Issuance } from '../contracts';
import { FamilyIndex, factsOf, hashPrefix } from './familyIndex';
import { asFamily, familyTokenHashes, isDeadFamily } from './familyRow';
import type { FamilyLoc, LocatedFamily } from './familySidecar';
import { frozenInPlace } from './layeredRows';
import type { FamilyMatch, FamilyRead, FamilyStore, FamilySummary, RefreshFamily } from './types';

/** Dead families are swept from memory once this many puts (and twice the live count) went by. */
const SWEEP_MIN_PUTS = 10_000;

/** The token log, as the families see it. */
export interface FamilyLog {
  readonly dir: string;
  readonly fileWrites: number;
  appendFamily(family: RefreshFamily, issued?: Issuance): Promise<FamilyLoc>;
  readFamily(loc: FamilyLoc): Promise<RefreshFamily>;
}

export interface FamilyStoreSeams {
  /** The prefix of a token hash the index keys on (a test forces collisions with it). */
  prefix?: (hash: string) => number;
}

export class LoggedFamilyStore implements FamilyStore {
  private readonly index: FamilyIndex;
  /** The latest row of each family with a change not yet durable. */
  private readonly staged = new Map<string, RefreshFamily>();
  /** Per family, its changes submitted and not yet durable, oldest first. */
  private readonly inFlight = new Map<string, RefreshFamily[]>();
  private putsSinceSweep = 0;
  private closed = false;
  /** Test seam: awaited before each read of a row from the log (to let another request run in between). */
  beforeLogRead: (() => Promise<void>) | undefined;

  constructor(
    private readonly log: FamilyLog,
    private readonly now: () => number,
    seams: FamilyStoreSeams = {},
  ) {
    this.index = new FamilyIndex(seams.prefix ?? hashPrefix);
  }

  /** The index over `families` (the last state of each, as the log read them), dead ones left out. */
  static load(log: FamilyLog, families: Iterable<LocatedFamily>, now: () => number, seams?: FamilyStoreSeams): LoggedFamilyStore {
    const store = new LoggedFamilyStore(log, now, seams);
    const t = now();
    for (const { family, loc } of families) {
      if (isDeadFamily(family, t)) continue;
      const slot = store.index.ensure(family.id);
      store.index.setDurable(slot, family, loc);
      store.index.addHashes(slot, family);
    }
    return store;
  }

  /** File writes of the token log so far (one per group-committed batch). */
  get fileWrites(): number {
    return this.log.fileWrites;
  }

  async read(id: string): Promise<FamilyRead | undefined> {
    const slot = this.index.slot(id);
    if (slot === undefined) return undefined;
    // Taken before any await: a change staged during the read makes a put on it fail, never pass.
    const generation = this.index.generation(id);
    const staged = this.staged.get(id);
    if (staged) return { family: staged, generation };
    // A slot with no staged change has a durable line (a family whose first write failed has no slot).
    const loc = this.index.loc(slot)!;
    if (this.beforeLogRead) await this.beforeLogRead();
    return { family: await this.log.readFamily(loc), generation };
  }

  async readByTokenHash(hash: string): Promise<FamilyRead | undefined> {
    for (const id of this.index.candidates(hash)) {
      const found = await this.read(id);
      // A prefix is shared by other hashes now and then: only the row says whether it holds this one.
      if (found && familyTokenHashes(found.family).includes(hash)) return found;
    }
    return undefined;
  }

  async get(id: string): Promise<RefreshFamily | undefined> {
    return (await this.read(id))?.family;
  }

  async findByTokenHash(hash: string): Promise<RefreshFamily | undefined> {
    return (await this.readByTokenHash(hash))?.family;
  }

  has(id: string): boolean {
    return this.index.slot(id) !== undefined;
  }

  put(family: RefreshFamily, issued?: Issuance, opts: { expect?: number } = {}): Promise<void> {
    if (this.closed) return Promise.reject(new StorageError(this.log.dir, `${this.log.dir} is closed (the store was closed)`));
    if (opts.expect !== undefined && opts.expect !== this.index.generation(family.id)) return Promise.reject(new FamilyChanged(family.id));
    let row: RefreshFamily;
    try {
      // Frozen where it is, not copied: the caller hands the row over (a later write to it throws).
      row = frozenInPlace(asFamily(family));
    } catch (err) {
      return Promise.reject(err);
    }
    const slot = this.index.ensure(row.id);
    this.index.touch(slot);
    this.index.addHashes(slot, row);
    this.staged.set(row.id, row);
    const pending = this.inFlight.get(row.id);
    if (pending) pending.push(row);
    else this.inFlight.set(row.id, [row]);
    return this.log.appendFamily(row, issued).then(
      (loc) => this.committed(row, loc),
      (err: unknown) => {
        this.failed(row);
        throw err;
      },
    );
  }

  find(match: FamilyMatch): FamilySummary[] {
    const out: FamilySummary[] = [];
    for (const [id, slot] of this.index.entries()) {
      const row = this.staged.get(id);
      const f = row ? factsOf(row) : this.index.facts(slot);
      if (match.client_id !== undefined && f.client_id !== match.client_id) continue;
      if (match.sub !== undefined && f.sub !== match.sub) continue;
      if (match.resource !== undefined && f.resource !== match.resource) continue;
      if (match.liveAt !== undefined && (!Number.isNaN(f.revokedAt) || f.expiresAt <= match.liveAt)) continue;
      out.push({ id: f.id, client_id: f.client_id, sub: f.sub, resource: f.resource });
    }
    return out;
  }

  size(): number {
    return this.index.size;
  }

  /** Refuses later puts; what was submitted is written by the token log's close. */
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  private committed(row: RefreshFamily, loc: FamilyLoc): void {
    const slot = this.index.slot(row.id)!;
    this.index.setDurable(slot, row, loc);
    if (!this.settle(row).length) {
      // Nothing newer in flight: the row is read from the log from now on, and its hashes are the slot's.
      this.staged.delete(row.id);
      this.index.setHashes(slot, row);
    }
    if (++this.putsSinceSweep > Math.max(SWEEP_MIN_PUTS, 2 * this.index.size)) this.sweep();
  }

  /** The family's view goes back to its durable line, with the changes still in flight on top. */
  private failed(row: RefreshFamily): void {
    const slot = this.index.slot(row.id)!;
    const pending = this.settle(row);
    this.index.touch(slot);
    if (pending.length) this.staged.set(row.id, pending.at(-1)!);
    else {
      this.staged.delete(row.id);
      // Its hashes stay indexed until the next durable change: a stale prefix only costs a read.
      if (!this.index.loc(slot)) this.index.remove(row.id);
    }
  }

  /** Removes `row` from the family's changes in flight; returns those left. */
  private settle(row: RefreshFamily): RefreshFamily[] {
    const pending = this.inFlight.get(row.id)!;
    pending.splice(pending.indexOf(row), 1);
    if (!pending.length) this.inFlight.delete(row.id);
    return pending;
  }

  /** Drops dead families from memory (their lines stay in the log; the next open skips them too). */
  private sweep(): void {
    this.putsSinceSweep = 0;
    const now = this.now();
    for (const [id, slot] of [...this.index.entries()]) {
      // A family with a change in flight is kept: that write will follow.
      if (!this.staged.has(id) && this.index.isDead(slot, now)) this.index.remove(id);
    }
  }
}
