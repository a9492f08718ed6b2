/** Remembered consent (user × client × resource). Revocation cascades to the refresh families and live tokens it produced. */
import { NotFound } from '../errors';
import type { ConsentGrant } from '../contracts';
import { iso } from '../clock';
import { randomId } from './crypto';
import type { CoreDeps } from './deps';
import type { TokenService } from './tokens';

export class ConsentService {
  constructor(private readonly d: CoreDeps, private readonly tokens: TokenService) {}

  list(filter: { sub?: string; client_id?: string; resource?: string; includeRevoked?: boolean } = {}): ConsentGrant[] {
    return this.d.store.consents
      .list()
      .filter((g) => (filter.includeRevoked || !g.revoked_at) && (!filter.sub || g.sub === filter.sub) && (!filter.client_id || g.client_id === filter.client_id) && (!filter.resource || g.resource === filter.resource))
      .reverse();
  }

  find(sub: string, clientId: string, resource: string): ConsentGrant | undefined {
    return this.d.store.consents.list().find((g) => !g.revoked_at && g.sub === sub && g.client_id === clientId && g.resource === resource);
  }

  /** True when an active grant already contains every requested scope (exact names). */
  covers(sub: string, clientId: string, resource: string, scopes: string[]): boolean {
    const g = this.find(sub, clientId, resource);
    return !!g && scopes.every((s) => g.scopes.includes(s));
  }

  /** Records an approval; an existing grant is widened (step-up keeps what was already granted). */
  async record(sub: string, clientId: string, resource: string, scopes: string[]): Promise<ConsentGrant> {
    const now = iso(this.d.clock.now());
    const existing = this.find(sub, clientId, resource);
    const row: ConsentGrant = existing
      ? { ...existing, scopes: [...new Set([...existing.scopes, ...scopes])], updated_at: now }
      : { id: randomId(), sub, client_id: clientId, resource, scopes: [...scopes], created_at: now, updated_at: now };
    await this.d.store.consents.put(row.id, row);
    this.d.events.emit('consent.granted', { grant: row });
    return row;
  }

  async revoke(id: string): Promise<ConsentGrant> {
    const g = this.d.store.consents.get(id);
    if (!g) throw new NotFound(`consent grant "${id}" not found`);
    if (g.revoked_at) return g;
    const row = { ...g, revoked_at: iso(this.d.clock.now()) };
    await this.d.store.consents.put(id, row);
    // Cascade: the agent must ask again; its refresh tokens and live access tokens die with the grant.
    for (const fam of this.d.store.families.find({ client_id: g.client_id, sub: g.sub, resource: g.resource })) {
      await this.tokens.revokeFamily(fam.id, 'consent_revoked');
    }
    await this.tokens.revokeLive({ client_id: g.client_id, sub: g.sub, resource: g.resource }, 'consent_revoked');
    this.d.events.emit('consent.revoked', { grant: row });
    return row;
  }
}
