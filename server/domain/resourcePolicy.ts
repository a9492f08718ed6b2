/**
 * A resource's policy client lists, one client at a time (the product's
 * /admin/resources/{slug}/policy/... sub-lists): adding a listed client changes nothing, removing
 * one that is not listed is a 404, and each change emits the product's audit action.
 */
import { InvalidRequest, NotFound } from '../errors';
import { POLICY_LISTS, PolicyClientInput, Resource, policyEvent, policyList, withPolicyList, type PolicyListName } from '../contracts';
import { iso } from '../clock';
import { parseOrThrow } from './parse';
import type { CoreDeps } from './deps';
import type { ResourceService } from './resources';

export class ResourcePolicyService {
  constructor(
    private readonly d: CoreDeps,
    private readonly resources: ResourceService,
  ) {}

  list(slug: string, list: PolicyListName): string[] {
    return policyList(this.resources.require(slug), list);
  }

  /** Adds a registered client; returns the list after the change. */
  async add(slug: string, list: PolicyListName, input: unknown): Promise<string[]> {
    const r = this.resources.require(slug);
    const { client_id } = parseOrThrow(PolicyClientInput, input);
    if (!this.d.store.clients.get(client_id)) throw new InvalidRequest(`client "${client_id}" is not registered`);
    const current = policyList(r, list);
    if (current.includes(client_id)) return current;
    return this.save(r, list, [...current, client_id], client_id, 'added');
  }

  async remove(slug: string, list: PolicyListName, clientId: string): Promise<string[]> {
    const r = this.resources.require(slug);
    const current = policyList(r, list);
    if (!current.includes(clientId)) throw new NotFound(`client "${clientId}" is not in policy.${list}.${POLICY_LISTS[list].field} of resource "${r.slug}"`);
    return this.save(
      r,
      list,
      current.filter((id) => id !== clientId),
      clientId,
      'removed',
    );
  }

  private async save(r: Resource, list: PolicyListName, ids: string[], clientId: string, change: 'added' | 'removed'): Promise<string[]> {
    // Parsed again so the list's own limits (at most 100 clients) hold here too.
    const row = parseOrThrow(Resource, { ...withPolicyList(r, list, ids), updated_at: iso(this.d.clock.now()) });
    await this.d.store.resources.put(row.slug, row);
    this.d.events.emit(policyEvent(list, change), { slug: row.slug, client_id: clientId, client_ids: ids });
    return ids;
  }
}
