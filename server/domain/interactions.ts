/**
 * Pending authorization requests and authorization codes. Both live in memory only: they last
 * seconds to minutes, and a crash simply makes the client start over. A code is stored by its
 * SHA-256; after use it is kept (consumed) until it expires so a replay can be detected and the
 * tokens from the first exchange revoked (RFC 6749 §4.1.2).
 */
import type { Client, ConsentWaiter, PendingInteraction, Resource, ScopeDef, WarningCode } from '../contracts';
import { iso } from '../clock';
import { randomId, randomToken, sha256hex } from './crypto';
import { resourceScopes, scopeDefs } from './offlineAccess';
import type { CoreDeps } from './deps';

export interface AuthorizationParams {
  client: Client;
  resource: Resource;
  redirectUri: string;
  /** Requested scopes in catalog order (offline_access, if asked for, last). */
  scopes: string[];
  state?: string;
  codeChallenge: string;
  prompt?: string;
}

export interface Interaction extends AuthorizationParams {
  uid: string;
  /** Random value bound to this interaction, echoed by the consent form (CSRF). */
  csrf: string;
  createdAt: number;
  expiresAt: number;
  warnings: Array<{ code: WarningCode; message: string }>;
  /** Set once decided; the waiting browser page follows it. */
  outcome?: { redirect: string; action: 'approve' | 'deny' };
  /** Open /consent/wait requests by kind: who picks the decision up. */
  waiters: Record<ConsentWaiter, number>;
  stale?: PendingInteraction['stale'];
  /** Pending "nobody came back" check after the last waiter left. */
  abandonTimer?: NodeJS.Timeout;
}

export interface CodeRecord {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  sub: string;
  resource: string;
  scope: string;
  /** Whether the exchange may add a refresh token (domain/offlineAccess.ts). */
  refresh: boolean;
  expiresAt: number;
  consumedAt?: number;
  /** What the first exchange produced (revoked on replay). */
  familyId?: string;
  jti?: string;
  /** The consent prompt the code came from (the flow timeline links the exchange to it). */
  interactionUid?: string;
}

export type DecisionListener = (i: Interaction) => void;

export class InteractionService {
  private pending = new Map<string, Interaction>();
  private codes = new Map<string, CodeRecord>();
  private waiters = new Map<string, Set<DecisionListener>>();
  private sweepTimer: NodeJS.Timeout;

  constructor(private readonly d: CoreDeps) {
    // Expired interactions and codes are swept so memory stays bounded under abuse.
    this.sweepTimer = setInterval(() => this.sweep(), 30_000);
    this.sweepTimer.unref();
  }

  close(): void {
    clearInterval(this.sweepTimer);
  }

  sweep(): void {
    const now = this.d.clock.now();
    for (const [uid, i] of this.pending) {
      if (i.expiresAt <= now) {
        this.pending.delete(uid);
        if (!i.outcome) this.d.events.emit('consent.decided', { uid, action: 'expired' });
      }
    }
    for (const [h, c] of this.codes) if (c.expiresAt + 60_000 <= now) this.codes.delete(h);
  }

  start(p: AuthorizationParams, warnings: Interaction['warnings']): Interaction {
    const now = this.d.clock.now();
    // Bound memory: a flood of authorize requests evicts the oldest prompts first.
    if (this.pending.size >= 10_000) {
      const oldest = this.pending.keys().next().value;
      if (oldest) this.pending.delete(oldest);
    }
    const i: Interaction = { ...p, uid: randomId(), csrf: randomToken(24), createdAt: now, expiresAt: now + this.d.config.interactionTtl * 1000, warnings, waiters: { browser: 0, cli: 0 } };
    this.pending.set(i.uid, i);
    this.d.events.emit('consent.pending', { interaction: this.view(i) });
    return i;
  }

  get(uid: string): Interaction | undefined {
    const i = this.pending.get(uid);
    if (i && i.expiresAt <= this.d.clock.now()) {
      this.pending.delete(uid);
      return undefined;
    }
    return i;
  }

  listPending(): PendingInteraction[] {
    const now = this.d.clock.now();
    return [...this.pending.values()].filter((i) => !i.outcome && i.expiresAt > now).map((i) => this.view(i));
  }

  view(i: Interaction): PendingInteraction {
    return {
      uid: i.uid,
      created_at: iso(i.createdAt),
      expires_at: iso(i.expiresAt),
      client: { client_id: i.client.client_id, client_name: i.client.client_name, registration_source: i.client.registration_source },
      resource: { slug: i.resource.slug, uri: i.resource.uri, display_name: i.resource.display_name },
      scopes: scopeDefs(i.resource, i.scopes),
      redirect_uri: i.redirectUri,
      default_sub: this.d.config.user,
      warnings: i.warnings.map((w) => w.message),
      kept_scopes: this.keptScopes(i),
      waiting: (['browser', 'cli'] as const).filter((k) => i.waiters[k] > 0),
      ...(i.stale ? { stale: i.stale } : {}),
    };
  }

  /** Per user with a live grant for this client and resource: the granted scopes not asked for again. */
  private keptScopes(i: Interaction): Record<string, ScopeDef[]> {
    const kept: Record<string, ScopeDef[]> = {};
    for (const g of this.d.store.consents.list()) {
      if (g.revoked_at || g.client_id !== i.client.client_id || g.resource !== i.resource.slug) continue;
      const defs = scopeDefs(i.resource, resourceScopes(g.scopes)).filter((x) => !i.scopes.includes(x.name));
      if (defs.length) kept[g.sub] = defs;
    }
    return kept;
  }

  /**
   * Someone waits on the decision (a /consent/wait request). When the last one leaves and nobody
   * comes back within the grace period (the page's long poll reconnects at once), the prompt is
   * stale: approving it would send a code to nobody.
   */
  private attachWaiter(i: Interaction, kind: ConsentWaiter): () => void {
    clearTimeout(i.abandonTimer);
    const changed = i.waiters[kind] === 0 || i.stale === 'abandoned';
    i.waiters[kind]++;
    if (i.stale === 'abandoned') i.stale = undefined;
    if (changed) this.updated(i);
    let detached = false;
    return () => {
      if (detached) return;
      detached = true;
      i.waiters[kind]--;
      if (i.outcome || i.waiters.browser + i.waiters.cli > 0) {
        if (i.waiters[kind] === 0 && !i.outcome) this.updated(i);
        return;
      }
      i.abandonTimer = setTimeout(() => this.markStale(i, 'abandoned'), this.d.config.consentWaiterGrace * 1000);
      i.abandonTimer.unref();
    };
  }

  private markStale(i: Interaction, reason: NonNullable<Interaction['stale']>): void {
    if (i.outcome || i.stale === reason || !this.pending.has(i.uid)) return;
    if (reason === 'abandoned' && i.waiters.browser + i.waiters.cli > 0) return;
    i.stale = reason;
    this.updated(i);
  }

  private updated(i: Interaction): void {
    if (!i.outcome) this.d.events.emit('consent.updated', { interaction: this.view(i) });
  }

  /**
   * Waits, as `kind`, for the prompt's decision (domain/interactionDecisions.ts). Resolves with
   * the outcome, or with undefined after `timeoutMs` or once `signal` aborts (the poll went away).
   */
  waitForDecision(i: Interaction, kind: ConsentWaiter, timeoutMs: number, signal: AbortSignal): Promise<Interaction['outcome']> {
    if (i.outcome || signal.aborted) return Promise.resolve(i.outcome);
    return new Promise((resolve) => {
      const detach = this.attachWaiter(i, kind);
      const finish = (outcome: Interaction['outcome']) => {
        clearTimeout(timer);
        off();
        detach();
        signal.removeEventListener('abort', gone);
        resolve(outcome);
      };
      const gone = () => finish(undefined);
      const timer = setTimeout(gone, timeoutMs);
      const off = this.onDecision(i.uid, (d) => finish(d.outcome));
      signal.addEventListener('abort', gone);
    });
  }

  /** Marks decided (the decision service), wakes what waits on it, keeps it briefly for late pollers. */
  settle(i: Interaction, outcome: NonNullable<Interaction['outcome']>): void {
    i.outcome = outcome;
    clearTimeout(i.abandonTimer);
    const ws = this.waiters.get(i.uid);
    if (ws) for (const w of ws) w(i);
    this.waiters.delete(i.uid);
    i.expiresAt = Math.min(i.expiresAt, this.d.clock.now() + 60_000);
  }

  private onDecision(uid: string, listener: DecisionListener): () => void {
    let set = this.waiters.get(uid);
    if (!set) this.waiters.set(uid, (set = new Set()));
    set.add(listener);
    return () => set!.delete(listener);
  }

  /**
   * A code went to this client at this redirect, so its flow is over: its other prompts there
   * belong to attempts it has given up on (a one-shot loopback listener takes one code).
   */
  issueCode(r: Omit<CodeRecord, 'expiresAt'>, ttlSeconds: number, decidedUid?: string): string {
    for (const other of this.pending.values()) {
      if (other.uid !== decidedUid && other.client.client_id === r.clientId && other.redirectUri === r.redirectUri) this.markStale(other, 'superseded');
    }
    const code = randomToken(32);
    // Every field up front, in one object shape: a spread, then familyId/jti added at the exchange,
    // sent each record down V8's slow property-definition paths.
    const rec: CodeRecord = {
      clientId: r.clientId,
      redirectUri: r.redirectUri,
      codeChallenge: r.codeChallenge,
      sub: r.sub,
      resource: r.resource,
      scope: r.scope,
      refresh: r.refresh,
      expiresAt: this.d.clock.now() + ttlSeconds * 1000,
      consumedAt: r.consumedAt,
      familyId: r.familyId,
      jti: r.jti,
      interactionUid: decidedUid,
    };
    this.codes.set(sha256hex(code), rec);
    return code;
  }

  /** Looks a code up by hash; consumption is a synchronous check-and-set, so two racing exchanges cannot both win. */
  consumeCode(code: string): { record: CodeRecord; replay: boolean } | undefined {
    const rec = this.codes.get(sha256hex(code));
    if (!rec) return undefined;
    if (rec.consumedAt !== undefined) return { record: rec, replay: true };
    rec.consumedAt = this.d.clock.now();
    return { record: rec, replay: false };
  }
}
