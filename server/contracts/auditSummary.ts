/** One line saying what an audit event records (browser-safe: the CLI table and the window show it). */
import type { AppEvent } from './events';
import { describeFault } from './faultSummary';

export function auditSummary(e: AppEvent): string {
  switch (e.type) {
    case 'token.issued':
      return `jti=${e.data.issuance.jti} grant=${e.data.issuance.grant} scope="${e.data.issuance.scope}"`;
    case 'token.revoked':
      return `jti=${e.data.jti} reason=${e.data.reason}`;
    case 'token.introspected':
      return `${e.data.jti ? `jti=${e.data.jti} ` : ''}issuing_client=${e.data.issuing_client}`;
    case 'token.introspect_denied':
      return `reason=${e.data.reason}${e.data.jti ? ` jti=${e.data.jti}` : ''}`;
    case 'token.exchanged':
      return `jti=${e.data.jti} sub=${e.data.sub} subject_client=${e.data.subject_client} actor_client=${e.data.actor_client} type=${e.data.type} resource=${e.data.resource} scopes=${e.data.scopes} chain_kind=${e.data.chain_kind} via_link=${e.data.via_link}`;
    case 'token.exchange_denied':
      return `reason=${e.data.reason}`;
    case 'fronting_link.created':
    case 'fronting_link.patched':
    case 'fronting_link.deleted':
      return `source=${e.data.link.source} target=${e.data.link.target} scopes=${Object.entries(e.data.link.scope_map).map(([k, v]) => `${k}:${v.join('+')}`).join(',')}`;
    case 'family.revoked':
      return `family=${e.data.family_id} reason=${e.data.reason}`;
    case 'consent.decided':
      return `action=${e.data.action}${e.data.scopes ? ` scopes="${e.data.scopes.join(' ')}"` : ''}`;
    case 'consent.granted':
    case 'consent.revoked':
      return `id=${e.data.grant.id} scopes="${e.data.grant.scopes.join(' ')}"`;
    case 'consent.pending':
      return `interaction=${e.data.interaction.uid}`;
    case 'resource.created':
    case 'resource.updated':
      return `uri=${e.data.resource.uri}`;
    case 'resource.policy.runtime.client.added':
    case 'resource.policy.runtime.client.removed':
    case 'resource.policy.exchange.allowed_client.added':
    case 'resource.policy.exchange.allowed_client.removed':
      return `slug=${e.data.slug} client_id=${e.data.client_id} client_ids=[${e.data.client_ids.join(',')}]`;
    case 'token.test_minted':
      return `jti=${e.data.jti} aud=${e.data.aud} kid=${e.data.kid}${e.data.unknown_key ? ' (unpublished key)' : ''}`;
    case 'key.rotated':
      return `kid=${e.data.key.kid} alg=${e.data.key.alg}`;
    case 'fault.armed':
      return `fault=${e.data.fault.id} ${describeFault(e.data.fault)}`;
    case 'fault.fired':
      return `fault=${e.data.fault.id} ${e.data.method} ${e.data.path}`;
    case 'fault.disarmed':
      return `fault=${e.data.fault.id} reason=${e.data.reason}`;
    case 'settings.changed':
      return `${settingChanges(e.data.before, e.data.after)} by=${e.data.by}`;
    case 'request.logged':
      return `${e.data.entry.method} ${e.data.entry.path} ${e.data.entry.status}`;
    default:
      return '';
  }
}

/** `refresh_grace_s=0->30` for each setting that differs. */
function settingChanges(before: Record<string, unknown>, after: Record<string, unknown>): string {
  return Object.keys(after)
    .filter((k) => before[k] !== after[k])
    .map((k) => `${k}=${String(before[k])}->${String(after[k])}`)
    .join(' ');
}
