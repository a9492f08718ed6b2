/** What every domain service receives: passed in, never imported, so tests pin clock and data dir. */
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { EventBus } from '../events';
import type { Logger } from '../log';
import type { Resolve } from '../net/resolve';
import type { Store } from '../store/types';

export interface CoreDeps {
  config: Config;
  store: Store;
  clock: Clock;
  events: EventBus;
  log: Logger;
  /** The server secret (the data dir's admin-token): keys for values sealed at rest derive from it. */
  secret: string;
  /** Host name resolution for server-side fetches (CIMD); the system resolver when absent. */
  resolve?: Resolve;
}
