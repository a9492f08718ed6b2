/** The typed event bus (guide rule 7): domain services emit, the audit log / SSE / notifier listen. */
import type { AppEvent, EventMap, EventName } from './contracts/events';
import { iso, type Clock } from './clock';

type Listener = (event: AppEvent) => void;

export class EventBus {
  private listeners = new Set<Listener>();
  constructor(private readonly clock: Clock) {}

  emit<K extends EventName>(type: K, data: EventMap[K]): void {
    const event = { type, at: iso(this.clock.now()), data } as AppEvent;
    for (const l of this.listeners) {
      // A broken subscriber must not break the request that caused the event.
      try {
        l(event);
      } catch {
        /* ignored on purpose */
      }
    }
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }
}
