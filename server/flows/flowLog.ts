/**
 * The flow timeline, in memory only: recorded steps grouped into flows by what the server knows
 * (facts.ts), bounded by FLOW_LIMITS (the oldest flows, the oldest steps of a long flow, and steps
 * whose text the arena has written over roll off), masked on every read unless the caller reveals
 * (mask.ts). While a window listens, each
 * new step emits `flow.updated` with the flow's summary; that event is never audited.
 */
import { FLOW_LIMITS, type Flow, type FlowEndpoint, type FlowKind, type FlowListQuery, type FlowOutcome, type FlowStep, type FlowSummary } from '../contracts/flows';
import { randomId } from '../domain/crypto';
import type { CoreDeps } from '../domain/deps';
import { NotFound } from '../errors';
import { curlCommand } from './curl';
import { startKind, type StepFacts } from './facts';
import { maskStep } from './mask';
import { TextArena } from './textArena';

export type FlowLimits = { -readonly [K in keyof typeof FLOW_LIMITS]: number };

interface FlowRec {
  id: string;
  kind: FlowKind;
  client_id: string | null;
  client_name: string | null;
  resource: string | null;
  sub: string | null;
  started_at: string;
  updated_at: string;
  steps: StepRecord[];
  dropped: number;
  /** Link keys pointing at this flow (removed with it). */
  keys: string[];
}

/** Discovery steps wait this long for a flow of the same peer to claim them. */
const LOBBY_MS = 60_000;
const LOBBY_MAX = 8;
/** A refresh chain adds keys forever; only the newest are worth keeping. */
const KEYS_PER_FLOW = 3 * FLOW_LIMITS.stepsPerFlow;

/**
 * A recorded step as the timeline keeps it: what grouping and summaries read, where its text
 * starts in the flow log's arena (`texts`), and the full step, built from that text when read.
 */
export interface StepRecord {
  readonly id: string;
  readonly at: string;
  readonly endpoint: FlowEndpoint;
  readonly method: string;
  readonly status: number;
  readonly ok: boolean;
  /** The place of its record in the arena (TextArena.put). */
  readonly place: number;
  /** Called only while the arena holds its record. */
  step(): FlowStep;
}

export function outcomeOf(steps: ReadonlyArray<Pick<FlowStep, 'id' | 'endpoint' | 'ok'>>): { outcome: FlowOutcome; failed_step_id: string | null } {
  const last = steps.at(-1);
  if (last && !last.ok) return { outcome: 'failed', failed_step_id: last.id };
  const issued = steps.some((s) => s.endpoint === 'token' && s.ok);
  return { outcome: issued ? 'succeeded' : 'in_progress', failed_step_id: null };
}

export class FlowLog {
  /**
   * The newest `limits.flows` flows in the order they started: a new flow takes the oldest one's
   * slot (`next`), so rolling off is overwriting, and newest first is walking back from `next`.
   */
  private readonly slots: FlowRec[] = [];
  private next = 0;
  /** Link key → the flow it points at. */
  private readonly index = new Map<string, FlowRec>();
  private readonly lobby = new Map<string, Array<{ step: StepRecord; at: number }>>();
  private readonly limits: FlowLimits;
  /** The recorded text of every step: the newest `totalBytes` of it. */
  readonly texts: TextArena;

  constructor(
    private readonly d: Pick<CoreDeps, 'clock' | 'events' | 'config'>,
    private readonly clientName: (id: string) => string | undefined,
    limits: Partial<FlowLimits> = {},
  ) {
    this.limits = { ...FLOW_LIMITS, ...limits };
    this.texts = new TextArena(this.limits.totalBytes);
  }

  /** A step built when it was recorded (e.g. a CIMD fetch), kept as JSON text in the arena. */
  keep(s: FlowStep): StepRecord {
    const texts = this.texts;
    const place = texts.put([JSON.stringify(s)]);
    return { id: s.id, at: s.at, endpoint: s.endpoint, method: s.method, status: s.status, ok: s.ok, place, step: () => JSON.parse(texts.read(place, 1)![0]!.text) as FlowStep };
  }

  /** Records a step (and the steps it caused first, e.g. a CIMD fetch) into its flow. */
  record(steps: StepRecord[], facts: StepFacts): void {
    if (facts.discovery) return this.wait(facts.peer(), steps);
    const flow = this.find(facts) ?? this.open(facts, steps[0]!.at);
    for (const s of steps) this.append(flow, s);
    this.learn(flow, facts);
    this.trim(flow);
    // The summary is built for a window that listens, not for every step of a load test.
    if (this.d.events.wants('flow.updated') && this.prune(flow)) this.d.events.emit('flow.updated', { flow: this.summary(flow) });
  }

  list(q: FlowListQuery = {}): FlowSummary[] {
    const out: FlowSummary[] = [];
    const n = this.slots.length;
    for (let k = 1; k <= n && out.length < (q.limit ?? this.limits.flows); k++) {
      const f = this.slots[(this.next - k + n) % n]!;
      if (!this.prune(f)) continue;
      if (q.client && f.client_id !== q.client) continue;
      if (q.resource && f.resource !== q.resource) continue;
      if (q.user && f.sub !== q.user) continue;
      const summary = this.summary(f);
      if (q.outcome && summary.outcome !== q.outcome) continue;
      out.push(summary);
    }
    return out;
  }

  get(id: string, opts: { reveal?: boolean } = {}): Flow {
    const f = id ? this.slots.find((x) => x.id === id) : undefined;
    if (!f || !this.prune(f)) throw new NotFound(`no flow "${id}" (flows live in this server's memory; the oldest roll off after ${this.limits.flows})`);
    const issuer = this.d.config.issuer;
    const steps = f.steps.map((rec) => {
      const raw = rec.step();
      const s = opts.reveal ? raw : maskStep(raw);
      return { ...s, curl: curlCommand(s.exchange, issuer) };
    });
    return { ...this.head(f), steps, masked: !opts.reveal, ...(f.dropped ? { dropped_steps: f.dropped } : {}) };
  }

  /** Flows and steps kept, and the recorded text they hold (the soak's memory check). */
  stats(): { flows: number; steps: number; bytes: number; keys: number } {
    let flows = 0;
    let steps = 0;
    for (const f of this.slots) {
      if (!this.prune(f)) continue;
      flows += 1;
      steps += f.steps.length;
    }
    return { flows, steps, bytes: this.texts.used, keys: this.index.size };
  }

  private find(facts: StepFacts): FlowRec | undefined {
    // A client_credentials request is a flow of its own, whatever it shares with others.
    if (facts.endpoint === 'token' && facts.grantType === 'client_credentials') return undefined;
    for (const k of facts.joins) {
      const f = this.index.get(k);
      if (f) return f;
    }
    for (const k of facts.joinOnce) {
      const f = this.index.get(k);
      if (f) {
        this.index.delete(k);
        if (f.kind === 'registration') f.kind = 'authorization_code';
        return f;
      }
    }
    return undefined;
  }

  /** A new flow, started by a step at `at` (or by the discovery steps its peer made before). */
  private open(facts: StepFacts, at: string): FlowRec {
    const f: FlowRec = { id: `flw_${randomId().slice(0, 16)}`, kind: startKind(facts), client_id: null, client_name: null, resource: null, sub: null, started_at: at, updated_at: at, steps: [], dropped: 0, keys: [] };
    const oldest = this.slots[this.next];
    if (oldest) this.forget(oldest);
    this.slots[this.next] = f;
    this.next = (this.next + 1) % this.limits.flows;
    if (this.lobby.size) for (const s of this.claim(facts.peer())) this.append(f, s);
    if (f.steps[0]) f.started_at = f.steps[0].at;
    return f;
  }

  private append(f: FlowRec, s: StepRecord): void {
    f.steps.push(s);
    f.updated_at = s.at;
  }

  private learn(f: FlowRec, facts: StepFacts): void {
    if (facts.clientId && !f.client_id) f.client_id = facts.clientId;
    if (f.client_id && !f.client_name) f.client_name = this.clientName(f.client_id) ?? null;
    if (facts.resource && !f.resource) f.resource = facts.resource;
    if (facts.sub) f.sub = facts.sub;
    for (const k of facts.provides) {
      this.index.set(k, f);
      f.keys.push(k);
    }
    if (f.keys.length > KEYS_PER_FLOW) for (const k of f.keys.splice(0, f.keys.length - KEYS_PER_FLOW)) this.unlink(k, f);
  }

  /** The oldest steps of a long flow roll off. */
  private trim(f: FlowRec): void {
    const over = f.steps.length - this.limits.stepsPerFlow;
    if (over <= 0) return;
    f.steps.splice(0, over);
    f.dropped += over;
  }

  /**
   * Drops the steps whose text the arena has written over, when the flow is read (a step is only
   * its summary until then, and flows are bounded in number). False when none is left: the flow
   * has rolled off (its slot stays empty until a new flow takes it).
   */
  private prune(f: FlowRec): boolean {
    const texts = this.texts;
    if (f.steps.every((s) => texts.holds(s.place))) return f.steps.length > 0;
    const kept = f.steps.filter((s) => texts.holds(s.place));
    f.dropped += f.steps.length - kept.length;
    f.steps = kept;
    if (!kept.length) this.forget(f);
    return kept.length > 0;
  }

  /** A flow rolls off: its link keys leave the index, and its id no longer finds it. */
  private forget(f: FlowRec): void {
    for (const k of f.keys) this.unlink(k, f);
    f.keys = [];
    f.steps = [];
    f.id = '';
  }

  private unlink(key: string, f: FlowRec): void {
    if (this.index.get(key) === f) this.index.delete(key);
  }

  private wait(peer: string, steps: StepRecord[]): void {
    const now = this.d.clock.now();
    const list = (this.lobby.get(peer) ?? []).filter((w) => now - w.at < LOBBY_MS);
    for (const step of steps) list.push({ step, at: now });
    this.lobby.delete(peer);
    this.lobby.set(peer, list.slice(-LOBBY_MAX));
    // Peers come and go; only the newest few are kept waiting.
    while (this.lobby.size > LOBBY_MAX * 4) this.lobby.delete(this.lobby.keys().next().value!);
  }

  private claim(peer: string): StepRecord[] {
    const list = this.lobby.get(peer);
    if (!list) return [];
    this.lobby.delete(peer);
    const now = this.d.clock.now();
    return list.filter((w) => now - w.at < LOBBY_MS).map((w) => w.step);
  }

  private head(f: FlowRec) {
    return { id: f.id, kind: f.kind, client_id: f.client_id, client_name: f.client_name, resource: f.resource, sub: f.sub, started_at: f.started_at, updated_at: f.updated_at, ...outcomeOf(f.steps) };
  }

  private summary(f: FlowRec): FlowSummary {
    return { ...this.head(f), steps: f.steps.map((s) => ({ id: s.id, at: s.at, endpoint: s.endpoint, method: s.method, status: s.status, ok: s.ok })) };
  }
}
