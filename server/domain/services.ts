/** Wires the domain services together. The HTTP layer, admin API and CLI all go through these. */
import { ActivityLog } from './activity';
import { ClientService } from './clients';
import { ConsentService } from './consents';
import type { CoreDeps } from './deps';
import { FaultService } from './faults';
import { FrontingService } from './fronting';
import { FlowLog } from '../flows/flowLog';
import { DecisionService } from './interactionDecisions';
import { InteractionService } from './interactions';
import { KeyService } from './keys';
import { ResourcePolicyService } from './resourcePolicy';
import { ResourceService } from './resources';
import { SettingsService } from './settings';
import { TokenService } from './tokens';
import { UserService } from './users';

export interface Services {
  deps: CoreDeps;
  keys: KeyService;
  resources: ResourceService;
  /** A resource's policy client lists (runtime, exchange), one client at a time. */
  policies: ResourcePolicyService;
  /** Fronting links: gateway resource → hidden resource, with a scope map (RFC 8693 exchange). */
  fronting: FrontingService;
  clients: ClientService;
  users: UserService;
  tokens: TokenService;
  consents: ConsentService;
  interactions: InteractionService;
  /** Approve or deny a request: the consent page, the desktop window and `--consent auto` all decide here. */
  decisions: DecisionService;
  activity: ActivityLog;
  /** Faults on demand: in memory only, gone when the server stops. */
  faults: FaultService;
  /** What the admin may change while the server runs (the refresh grace); in memory only. */
  settings: SettingsService;
  /** The flow timeline: in memory only, empty when `recordFlows` is off. */
  flows: FlowLog;
  close(): void;
}

export function createServices(deps: CoreDeps): Services {
  const keys = new KeyService(deps);
  const settings = new SettingsService(deps);
  const tokens = new TokenService(deps, keys, settings);
  const interactions = new InteractionService(deps);
  const users = new UserService(deps);
  const consents = new ConsentService(deps, tokens);
  const faults = new FaultService(deps);
  const fronting = new FrontingService(deps);
  const clients = new ClientService(deps);
  const resources = new ResourceService(deps, keys, fronting);
  return {
    deps,
    keys,
    resources,
    policies: new ResourcePolicyService(deps, resources),
    fronting,
    clients,
    users,
    tokens,
    consents,
    interactions,
    decisions: new DecisionService(deps, { interactions, users, consents }),
    activity: new ActivityLog(deps),
    faults,
    settings,
    flows: new FlowLog(deps, (id) => clients.get(id)?.client_name),
    close: () => {
      interactions.close();
      faults.close();
    },
  };
}

/** First-start state: a signing key for the default algorithm and the default user. */
export async function initServices(s: Services): Promise<void> {
  await s.keys.ensure(s.deps.config.signingAlg);
  for (const r of s.resources.list()) if (r.signing_alg) await s.keys.ensure(r.signing_alg);
  await s.users.ensureDefault();
}
