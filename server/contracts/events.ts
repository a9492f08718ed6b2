/**
 * Every state change the server makes, as a typed event. The audit log, the UI's SSE stream and
 * the Electron notifier subscribe; nothing else is the source of truth for "what happened".
 */
import type { ActivityEntry } from './activity';
import type { ClientView } from './clients';
import type { ConsentGrant } from './consents';
import type { Fault, FaultDisarmReason } from './faults';
import type { FrontingLink } from './fronting';
import type { FlowSummary } from './flows';
import type { PendingInteraction } from './interactions';
import type { Issuance } from './issuances';
import type { KeyView } from './keys';
import type { Resource } from './resources';
import type { PolicyClientChange } from './resourcePolicy';
import type { AdminActor, RuntimeSettings } from './settings';
import type { User } from './users';

export interface EventMap {
  'resource.created': { resource: Resource };
  'resource.updated': { resource: Resource };
  'resource.deleted': { slug: string };
  /** A client added to or removed from a resource's policy list (the product's audit actions). */
  'resource.policy.runtime.client.added': PolicyClientChange;
  'resource.policy.runtime.client.removed': PolicyClientChange;
  'resource.policy.exchange.allowed_client.added': PolicyClientChange;
  'resource.policy.exchange.allowed_client.removed': PolicyClientChange;
  'client.created': { client: ClientView };
  'client.updated': { client: ClientView };
  'client.deleted': { client_id: string };
  'user.created': { user: User };
  'user.updated': { user: User };
  'user.deleted': { sub: string };
  'consent.pending': { interaction: PendingInteraction };
  /** A pending prompt changed: what waits on it, or it went stale. */
  'consent.updated': { interaction: PendingInteraction };
  /**
   * A request approved or denied (by a person, or by `--consent auto`: its uid then names no
   * prompt, none was shown), or a prompt that expired undecided.
   */
  'consent.decided': { uid: string; action: 'approve' | 'deny' | 'expired'; sub?: string; scopes?: string[] };
  'consent.granted': { grant: ConsentGrant };
  'consent.revoked': { grant: ConsentGrant };
  'token.issued': { issuance: Issuance };
  /** A fronting link declared or removed (the product's fronting_link.created / .deleted). */
  'fronting_link.created': { link: FrontingLink };
  'fronting_link.deleted': { link: FrontingLink };
  /** A link's scope map replaced (the product's fronting_link.patched). */
  'fronting_link.patched': { link: FrontingLink; before: FrontingLink };
  /**
   * RFC 8693 exchange done (its issuance is in 'token.issued' too); fields as the product's audit
   * detail: `subject_client` is the agent the user consented to, `actor_client` the gateway.
   */
  'token.exchanged': { jti: string; sub: string; subject_client: string; actor_client: string; type: 'mint_dispatch'; resource: string; scopes: string; chain_kind: 'fronted'; via_link: string; parent_jti: string };
  /** An exchange refused; `reason` is the product's reason code (e.g. fronting_link_missing). */
  'token.exchange_denied': { client_id?: string; reason: string; error: string };
  /**
   * /oauth/introspect answered (the product's token.introspected / token.introspect_denied):
   * `caller` is the asking client (absent for the admin token), `issuing_client` the token's own.
   */
  'token.introspected': { jti?: string; issuing_client: string; caller?: string };
  'token.introspect_denied': { reason: IntrospectDeniedReason; jti?: string; caller?: string };
  'token.revoked': { jti: string; reason: string };
  'family.revoked': { family_id: string; reason: string };
  'key.rotated': { key: KeyView };
  /** A test token was minted (POST /admin/api/tokens): not a grant, so the audit trail is its only record. */
  'token.test_minted': { jti: string; resource: string; sub: string; client_id: string; aud: string; kid: string; exp: number; unknown_key: boolean };
  'request.logged': { entry: ActivityEntry };
  /** Faults on demand (in memory only): armed, fired on a request, and gone (used up, expired or cleared). */
  'fault.armed': { fault: Fault };
  'fault.fired': { fault: Fault; method: string; path: string };
  'fault.disarmed': { fault: Fault; reason: FaultDisarmReason };
  /** A running server's setting changed (in memory: a restart returns to the start-up value). */
  'settings.changed': { before: RuntimeSettings; after: RuntimeSettings; by: AdminActor };
  /** A flow got a step (the window's live timeline). A debugging view, not a record: never audited. */
  'flow.updated': { flow: FlowSummary };
}
export type EventName = keyof EventMap;
/** Why introspection answered `{active:false}` (the product's reason codes). */
export type IntrospectDeniedReason = 'invalid_token' | 'issuance_revoked' | 'token_revoked' | 'issuing_client_inactive' | 'subject_inactive' | 'caller_not_authorized_for_token';
export type AppEvent = { [K in EventName]: { type: K; at: string; data: EventMap[K] } }[EventName];

/**
 * Events the audit trail does not keep: the request log and the flow timeline are live views
 * (the flow's exchanges carry the very secrets the audit files must never hold).
 */
const NOT_AUDITED: ReadonlySet<EventName> = new Set<EventName>(['request.logged', 'flow.updated']);
export const isAudited = (type: EventName): boolean => !NOT_AUDITED.has(type);
