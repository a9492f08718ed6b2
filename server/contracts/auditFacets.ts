/**
 * Who and what an audit event is about (zod-free and browser-safe: the store filters by it, the
 * window shows it). Only the event's own data is used: a `token.revoked` names its jti, not the
 * token's subject, so a subject filter does not find it.
 */
import type { AppEvent } from './events';

export interface AuditFacets {
  sub?: string;
  client?: string;
  resource?: string;
}

export function auditFacets(e: AppEvent): AuditFacets {
  switch (e.type) {
    case 'resource.created':
    case 'resource.updated':
      return { resource: e.data.resource.slug };
    case 'resource.deleted':
      return { resource: e.data.slug };
    case 'resource.policy.runtime.client.added':
    case 'resource.policy.runtime.client.removed':
    case 'resource.policy.exchange.allowed_client.added':
    case 'resource.policy.exchange.allowed_client.removed':
      return { resource: e.data.slug, client: e.data.client_id };
    case 'client.created':
    case 'client.updated':
      return { client: e.data.client.client_id };
    case 'client.deleted':
      return { client: e.data.client_id };
    case 'user.created':
    case 'user.updated':
      return { sub: e.data.user.sub };
    case 'user.deleted':
      return { sub: e.data.sub };
    case 'consent.pending':
      return { sub: e.data.interaction.default_sub, client: e.data.interaction.client.client_id, resource: e.data.interaction.resource.slug };
    case 'consent.decided':
      return { sub: e.data.sub };
    case 'consent.granted':
    case 'consent.revoked':
      return { sub: e.data.grant.sub, client: e.data.grant.client_id, resource: e.data.grant.resource };
    case 'token.issued':
      return { sub: e.data.issuance.sub, client: e.data.issuance.client_id, resource: e.data.issuance.resource };
    case 'token.exchanged':
      return { sub: e.data.sub, client: e.data.actor_client, resource: e.data.resource };
    case 'token.introspected':
    case 'token.introspect_denied':
      return e.data.caller ? { client: e.data.caller } : {};
    case 'token.exchange_denied':
      return e.data.client_id ? { client: e.data.client_id } : {};
    case 'fronting_link.created':
    case 'fronting_link.patched':
    case 'fronting_link.deleted':
      return { resource: e.data.link.source };
    case 'token.test_minted':
      return { sub: e.data.sub, client: e.data.client_id, resource: e.data.resource };
    case 'fault.armed':
    case 'fault.fired':
    case 'fault.disarmed':
      return e.data.fault.client_id ? { client: e.data.fault.client_id } : {};
    case 'settings.changed':
      // Server-wide: it concerns no subject, client or resource (a type filter finds it).
      return {};
    default:
      return {};
  }
}

/** An audit query: every field narrows; `type` is an event type (`token.issued`) or its group (`token`). */
export interface AuditFilter {
  type?: string;
  sub?: string;
  client?: string;
  resource?: string;
  /** Instants (ms), inclusive. */
  since?: number;
  until?: number;
}

export function auditMatcher(f: AuditFilter): (e: AppEvent) => boolean {
  return (e) => {
    if (f.type !== undefined && e.type !== f.type && !e.type.startsWith(`${f.type}.`)) return false;
    if (f.since !== undefined || f.until !== undefined) {
      const at = Date.parse(e.at);
      if (f.since !== undefined && !(at >= f.since)) return false;
      if (f.until !== undefined && !(at <= f.until)) return false;
    }
    if (f.sub === undefined && f.client === undefined && f.resource === undefined) return true;
    const facets = auditFacets(e);
    return (f.sub === undefined || facets.sub === f.sub) && (f.client === undefined || facets.client === f.client) && (f.resource === undefined || facets.resource === f.resource);
  };
}
