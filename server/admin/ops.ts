/**
 * Admin operations whose answer is more than one service call. The REST routes and the CLI's
 * DirectAdminPort both call these, so a command prints the same JSON with or without a server.
 */
import { withState } from '../contracts/issuanceState';
import { AuditListQuery, IssuanceListQuery, sinceInstant, type AppEvent, type ClientView, type ConsentGrant } from '../contracts';
import { toView } from '../domain/clients';
import { parseQuery } from './query';
import type { Services } from '../domain/services';
import { NotFound } from '../errors';
import { VERSION } from '../version';

import { issuancePage, type IssuancePage, type IssuanceRow } from './issuancePage';

export type { IssuancePage, IssuanceRow };

export interface StatusView {
  issuer: string;
  version: string;
  data_dir: string;
  pid: number;
  consent_mode: 'prompt' | 'auto';
  default_user: string;
  signing_alg: string;
  /** The refresh grace in force now (the window or `admin settings set` may have changed it since start). */
  refresh_grace_s: number;
  counts: {
    resources: number;
    clients: number;
    users: number;
    consents: number;
    issuances: number;
    refresh_families: number;
    keys: number;
    pending_interactions: number;
  };
}

export interface FamilyRevocation {
  family_id: string;
  revoked: true;
}


/** Newest first, filtered, paginated with the store's opaque cursor; `query` as GET /issuances takes it. */
export async function listIssuances(s: Services, query: Record<string, string>): Promise<IssuancePage> {
  return issuancePage(s.deps.store.issuances, parseQuery(IssuanceListQuery, query), s.deps.clock.now());
}

export async function getIssuance(s: Services, jti: string): Promise<IssuanceRow> {
  const row = await s.deps.store.issuances.get(jti);
  if (!row) throw new NotFound(`issuance "${jti}" not found`);
  return withState(row, s.deps.clock.now());
}

/** Idempotent: revoking a revoked token keeps its first revocation time. */
export async function revokeIssuance(s: Services, jti: string): Promise<IssuanceRow> {
  const row = await s.tokens.revokeJti(jti, 'admin');
  if (!row) throw new NotFound(`issuance "${jti}" not found`);
  return withState(row, s.deps.clock.now());
}

export async function revokeFamily(s: Services, id: string): Promise<FamilyRevocation> {
  if (!s.deps.store.families.has(id)) throw new NotFound(`refresh-token family "${id}" not found`);
  await s.tokens.revokeFamily(id, 'admin');
  return { family_id: id, revoked: true };
}

export function getClient(s: Services, clientId: string): ClientView {
  return toView(s.clients.require(clientId));
}

export function listConsents(s: Services, q: { sub?: string; client_id?: string; resource?: string; include_revoked?: boolean }): ConsentGrant[] {
  return s.consents.list({ sub: q.sub, client_id: q.client_id, resource: q.resource, includeRevoked: q.include_revoked });
}

export function getStatus(s: Services): StatusView {
  const { config, store } = s.deps;
  return {
    issuer: config.issuer,
    version: VERSION,
    data_dir: store.dataDir,
    pid: process.pid,
    consent_mode: config.consent,
    default_user: config.user,
    signing_alg: config.signingAlg,
    refresh_grace_s: s.settings.refreshGraceS,
    counts: {
      resources: store.resources.list().length,
      clients: store.clients.list().length,
      users: store.users.list().length,
      consents: s.consents.list().length,
      issuances: store.issuances.count(),
      refresh_families: store.families.size(),
      keys: s.keys.list().length,
      pending_interactions: s.interactions.listPending().length,
    },
  };
}

export interface AuditPage {
  /** Newest first. */
  events: AppEvent[];
}

/** The audit trail filtered; `query` as GET /audit takes it (`since`/`until`: duration back from now or RFC 3339). */
export async function listAudit(s: Services, query: Record<string, string>): Promise<AuditPage> {
  const q = parseQuery(AuditListQuery, query);
  const now = s.deps.clock.now();
  const instant = (v: string | undefined) => {
    if (v === undefined) return undefined;
    const r = sinceInstant(v, now);
    return 'at' in r ? r.at : undefined; // the schema already refused bad values
  };
  const events = await s.deps.store.audit.query({ type: q.type, sub: q.sub, client: q.client, resource: q.resource, since: instant(q.since), until: instant(q.until) }, q.limit);
  return { events };
}
