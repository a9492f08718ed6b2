/** The request log the desktop window shows: what reached the server, the outcome, and the warnings. */
import type { ActivityEntry } from '../contracts';
import type { CoreDeps } from './deps';

const CAPACITY = 2000;
/** The ring is trimmed in chunks: shifting 2,000 entries on every request cost more than recording it. */
const TRIM_SLACK = 500;

export class ActivityLog {
  private ring: ActivityEntry[] = [];
  constructor(private readonly d: CoreDeps) {}

  record(entry: ActivityEntry): void {
    this.ring.push(entry);
    if (this.ring.length > CAPACITY + TRIM_SLACK) this.ring.splice(0, this.ring.length - CAPACITY);
    this.d.events.emit('request.logged', { entry });
  }

  /** Newest first. */
  list(limit = 200, filter: { client_id?: string; onlyProblems?: boolean } = {}): ActivityEntry[] {
    const out: ActivityEntry[] = [];
    const oldest = Math.max(0, this.ring.length - CAPACITY);
    for (let i = this.ring.length - 1; i >= oldest && out.length < limit; i--) {
      const e = this.ring[i]!;
      if (filter.client_id && e.client_id !== filter.client_id) continue;
      if (filter.onlyProblems && !e.error && e.warnings.length === 0) continue;
      out.push(e);
    }
    return out;
  }
}
