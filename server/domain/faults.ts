/**
 * Armed faults, in memory only (never written to the data dir). An endpoint asks `fire()` whether
 * a fault answers this request; a fault disarms itself when its count is used up or its time is
 * over. Every arm, fire and disarm is an event, so the audit log and the window see them.
 */
import { iso } from '../clock';
import { FaultInput, type Fault, type FaultDisarmReason, type FaultEndpoint } from '../contracts/faults';
import { NotFound } from '../errors';
import { randomId } from './crypto';
import type { CoreDeps } from './deps';
import { parseOrThrow } from './parse';

/** What the request offers to a fault's narrowing (read only when a narrowed fault is armed). */
export interface FaultMatch {
  grant_type?: string;
  client_id?: string;
}

export class FaultService {
  private readonly armed = new Map<string, { fault: Fault; expiresAtMs?: number; timer?: NodeJS.Timeout }>();

  constructor(private readonly d: Pick<CoreDeps, 'clock' | 'events'>) {}

  arm(input: unknown): Fault {
    const req = parseOrThrow(FaultInput, input);
    const now = this.d.clock.now();
    const expiresAtMs = req.for_seconds === undefined ? undefined : now + req.for_seconds * 1000;
    const { count, for_seconds: _for, ...rest } = req;
    const fault: Fault = {
      id: `flt_${randomId().slice(0, 12)}`,
      ...rest,
      remaining: count ?? (expiresAtMs === undefined ? 1 : null),
      expires_at: expiresAtMs === undefined ? null : iso(expiresAtMs),
      armed_at: iso(now),
      fired: 0,
    };
    // The timer only tells the window on time; fire() checks the clock itself.
    const timer = expiresAtMs === undefined ? undefined : setTimeout(() => this.disarm(fault.id, 'expired'), expiresAtMs - now);
    timer?.unref();
    this.armed.set(fault.id, { fault, expiresAtMs, timer });
    this.d.events.emit('fault.armed', { fault: { ...fault } });
    return { ...fault };
  }

  list(): Fault[] {
    this.expire();
    return [...this.armed.values()].map((a) => ({ ...a.fault }));
  }

  /** Whether any fault is armed on the endpoint (the per-request fast path: no parsing when none). */
  has(endpoint: FaultEndpoint): boolean {
    for (const a of this.armed.values()) if (a.fault.endpoint === endpoint) return true;
    return false;
  }

  /** Whether an armed fault on the endpoint is narrowed to a grant or a client (the request must be read). */
  narrowed(endpoint: FaultEndpoint): boolean {
    for (const a of this.armed.values()) if (a.fault.endpoint === endpoint && (a.fault.grant_type || a.fault.client_id)) return true;
    return false;
  }

  /** The oldest armed fault that matches this request, counted as fired; undefined when none. */
  fire(endpoint: FaultEndpoint, match: FaultMatch, request: { method: string; path: string }): Fault | undefined {
    this.expire();
    for (const a of this.armed.values()) {
      const f = a.fault;
      if (f.endpoint !== endpoint) continue;
      if (f.grant_type !== undefined && f.grant_type !== match.grant_type) continue;
      if (f.client_id !== undefined && f.client_id !== match.client_id) continue;
      f.fired += 1;
      if (f.remaining !== null) f.remaining -= 1;
      const snapshot = { ...f };
      this.d.events.emit('fault.fired', { fault: snapshot, ...request });
      if (f.remaining === 0) this.disarm(f.id, 'used');
      return snapshot;
    }
    return undefined;
  }

  /** Clears one fault; NotFound when it is not armed. */
  clear(id: string): Fault {
    const f = this.disarm(id, 'cleared');
    if (!f) throw new NotFound(`no armed fault "${id}"`);
    return f;
  }

  clearAll(): Fault[] {
    return [...this.armed.keys()].map((id) => this.disarm(id, 'cleared')!).filter(Boolean);
  }

  /** Drops every fault without events (server shutdown). */
  close(): void {
    for (const a of this.armed.values()) clearTimeout(a.timer);
    this.armed.clear();
  }

  private expire(): void {
    const now = this.d.clock.now();
    for (const [id, a] of this.armed) if (a.expiresAtMs !== undefined && a.expiresAtMs <= now) this.disarm(id, 'expired');
  }

  private disarm(id: string, reason: FaultDisarmReason): Fault | undefined {
    const a = this.armed.get(id);
    if (!a) return undefined;
    clearTimeout(a.timer);
    this.armed.delete(id);
    this.d.events.emit('fault.disarmed', { fault: { ...a.fault }, reason });
    return { ...a.fault };
  }
}
