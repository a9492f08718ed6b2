/**
 * The storage contract. Domain services depend on this interface only; `openStore()` in
 * ./index.ts is the one implementation (real files in the data dir; tests use temp dirs).
 *
 * Rules every implementation keeps:
 * - A write's promise resolves only once the bytes are durable on disk (fsync'd unless
 *   `durability: 'os'`), so "acknowledged" means "survives kill -9 and power loss".
 * - The cost of one write never grows with history: small tables are whole-file rewrites
 *   (they stay small), high-volume records are appended to segments.
 * - A corrupt file is a CorruptDataError naming the file; nothing is silently reset.
 */
import type { AuditFilter } from '../contracts/auditFacets';
import type { Client, ConsentGrant, FrontingLink, Issuance, IssuanceState, Resource, User, AppEvent, GrantType, SigningAlg } from '../contracts';

/** A small keyed table, fully in memory, persisted as one JSON file (lowdb) rewritten atomically. */
export interface DocTable<T> {
  /** Rows in insertion order. */
  list(): T[];
  get(key: string): T | undefined;
  /** Insert or replace; resolves when durable. */
  put(key: string, row: T): Promise<void>;
  /** Resolves true when a row was removed (and the removal is durable). */
  remove(key: string): Promise<boolean>;
  /** Several changes in one durable write. */
  batch(changes: Array<{ key: string; row: T | null }>): Promise<void>;
}

/** A private signing key as stored in keys.json (mode 0600). */
export interface StoredKey {
  kid: string;
  alg: SigningAlg;
  /** JWK with private members. */
  private_jwk: Record<string, unknown>;
  public_jwk: Record<string, unknown>;
  created_at: string;
  /** Set when the key stops signing; it stays in the JWKS until `retire_after`. */
  rotated_at?: string;
  retire_after?: string;
}

export interface RefreshTokenRef {
  /** Hex SHA-256 of the opaque token; the token itself is never stored. */
  hash: string;
  issued_at: string;
  expires_at: string;
}

/** One refresh-token family: the chain of rotations that started with one authorization. */
export interface RefreshFamily {
  id: string;
  client_id: string;
  sub: string;
  /** Resource slug and the exact `aud` string. */
  resource: string;
  aud: string;
  /** Granted scopes (space separated): the ceiling for every refresh in this family. */
  scope: string;
  created_at: string;
  /** Absolute end of the family (latest refresh-token expiry). Rows past it may be compacted away. */
  expires_at: string;
  revoked_at?: string;
  revoked_reason?: string;
  /** The live token. */
  current: RefreshTokenRef;
  /**
   * The token just rotated out. With a refresh grace (opt-in), presenting it again until
   * `grace_until` returns the same current token again, kept only sealed in `sealed_next`
   * (domain/seal.ts); otherwise presenting it is reuse.
   */
  previous?: RefreshTokenRef & { consumed_at: string; grace_until: string; sealed_next?: string };
  /** Hashes of every older consumed token: presenting one is reuse → revoke the family. */
  consumed: string[];
  /** jtis of access tokens minted in this family (newest last, capped), revoked with it. */
  access_jtis: string[];
}

/** A family as read, with the generation of its index slot then (for `put(..., { expect })`). */
export interface FamilyRead {
  family: RefreshFamily;
  generation: number;
}

/** What the index answers about a family without reading its row. */
export interface FamilySummary {
  id: string;
  client_id: string;
  sub: string;
  resource: string;
}

export interface FamilyMatch {
  client_id?: string;
  sub?: string;
  resource?: string;
  /** Only families neither revoked nor expired at this instant (ms). */
  liveAt?: number;
}

/** Refresh families: an index in memory, every change appended to the token log. */
export interface FamilyStore {
  /** The family's latest state (staged changes included) and its generation. */
  read(id: string): Promise<FamilyRead | undefined>;
  /** The family that ever held this token hash (current, previous or consumed). */
  readByTokenHash(hash: string): Promise<FamilyRead | undefined>;
  get(id: string): Promise<RefreshFamily | undefined>;
  findByTokenHash(hash: string): Promise<RefreshFamily | undefined>;
  has(id: string): boolean;
  /**
   * Insert or replace; resolves when durable. With `issued`, the access token minted with this
   * change is recorded too, in the same durable append to the token log (one fdatasync per token,
   * see issuanceLog.ts). With `expect`, refused with FamilyChanged (nothing staged) when another
   * change was staged since the read that returned that generation.
   */
  put(family: RefreshFamily, issued?: Issuance, opts?: { expect?: number }): Promise<void>;
  /** Families matching every given field (consent-revocation cascade, client pruning), from the index alone. */
  find(match: FamilyMatch): FamilySummary[];
  size(): number;
}

export interface IssuanceQuery {
  resource?: string;
  client?: string;
  sub?: string;
  grant?: GrantType;
  jti?: string;
  state?: IssuanceState;
  /** Only rows issued at or after this instant (ms). */
  since?: number;
  /** Reference time for `state` (ms). */
  now: number;
  limit: number;
  /** Opaque cursor from a previous page. */
  cursor?: string;
}

export interface IssuanceLog {
  /** Appends one row; resolves once durable. Only then may the token leave the server. */
  append(row: Issuance): Promise<void>;
  get(jti: string): Promise<Issuance | undefined>;
  /** Marks revoked (idempotent: the first revocation time is kept). Undefined if no such jti. */
  revoke(jti: string, at: string, reason: string): Promise<Issuance | undefined>;
  /** Synchronous: used by introspection on every call. */
  isRevoked(jti: string): boolean;
  /** Newest first. */
  list(q: IssuanceQuery): Promise<{ rows: Issuance[]; next_cursor?: string }>;
  count(): number;
}

/** Audit trail of events (append-only, segments). Writes are batched, not awaited per event. */
export interface AuditLog {
  append(event: AppEvent): void;
  /** Newest first. */
  tail(limit: number): Promise<AppEvent[]>;
  /** Newest first, the events matching `filter` (up to `limit`), over every kept segment. */
  query(filter: AuditFilter, limit: number): Promise<AppEvent[]>;
  flush(): Promise<void>;
}

export interface Store {
  readonly dataDir: string;
  resources: DocTable<Resource>; // key: slug
  clients: DocTable<Client>; // key: client_id
  users: DocTable<User>; // key: sub
  consents: DocTable<ConsentGrant>; // key: id
  keys: DocTable<StoredKey>; // key: kid (keys.json, 0600)
  fronting: DocTable<FrontingLink>; // key: id = source/target (fronting.json)
  families: FamilyStore;
  issuances: IssuanceLog;
  audit: AuditLog;
  /** Flushes pending writes and closes files. Idempotent. */
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** `fsync` (default): every acknowledged write survives power loss. `os`: survives a process crash only (benchmarks of the OS-cache floor). */
  durability?: 'fsync' | 'os';
  /** Ms since epoch; used to compact expired families at open. */
  now?: () => number;
  /** Non-fatal problems the store recovered from (torn last line cut off, index rebuilt). Default: console.warn. */
  onWarning?: (message: string) => void;
  /** Rows per issuance segment before it is sealed and indexed (default 50,000; tests use small values). */
  issuanceSegmentRows?: number;
  /** Audit segment size that triggers rotation (default 10 MiB). */
  auditSegmentBytes?: number;
  /** Audit segments kept (default 10). */
  auditKeepSegments?: number;
}
