/** The typed event bus (guide rule 7): domain services emit, the audit log / SSE / notifier listen. */
import type { AppEvent, EventMap, EventName } from './contracts/events';
import { iso, type Clock } from './clock';

type Listener = (event: AppEvent) => void;
/** Which event types a subscriber takes; none given = every type. */
type Interest = (type: EventName) => boolean;

export class EventBus {
  private listeners = new Map<Listener, Interest | undefined>();
  constructor(private readonly clock: Clock) {}

  emit<K extends EventName>(type: K, data: EventMap[K]): void {
    // An event nobody takes is not built: the request log and the flow timeline emit one per
    // request, and with no window open only the audit trail (which skips them) listens.
    let event: AppEvent | undefined;
    for (const [l, wants] of this.listeners) {
      if (wants && !wants(type)) continue;
      event ??= { type, at: iso(this.clock.now()), data } as AppEvent;
      // A broken subscriber must not break the request that caused the event.
      try {
        l(event);
      } catch {
        /* ignored on purpose */
      }
    }
  }

  /** Whether any subscriber takes `type`: an emitter whose data costs work to build asks first. */
  wants(type: EventName): boolean {
    for (const wants of this.listeners.values()) if (!wants || wants(type)) return true;
    return false;
  }

  subscribe(listener: Listener, wants?: Interest): () => void {
    this.listeners.set(listener, wants);
    return () => this.listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }
}
