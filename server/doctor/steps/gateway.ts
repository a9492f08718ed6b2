/**
 * Only for a gateway (the resource fronts hidden ones, mcp-gateway-mint): can the exchange it
 * depends on succeed? Each fronting link needs a confidential client with the token-exchange
 * grant that the hidden resource's exchange policy lets in, and a scope map covering the
 * gateway's scopes. Appended after the walk, so reports for other servers are unchanged.
 */
import { formatScopeMap, type ClientView, type ResourceFronting } from '../../contracts';
import { TOKEN_EXCHANGE_GRANT } from '../../contracts/enums';
import type { Resource } from '../../contracts/resources';
import { fail, isObject, need, oauthError, pass, warn, type DoctorCheck, type Outcome, type WalkIO, type WalkState } from '../stepKit';

/** The resource's links when it fronts something; undefined for every other server. */
export async function gatewayLinks(ctx: WalkState, io: WalkIO): Promise<ResourceFronting | undefined> {
  if (!ctx.resource || !ctx.authplaneOk) return undefined;
  const r = await io.admin(`/resources/${encodeURIComponent(ctx.resource.slug)}/fronting`);
  if (r.status !== 200 || !isObject(r.json)) return undefined;
  const links = r.json as unknown as ResourceFronting;
  return links.fronts.length ? links : undefined;
}

const canExchange = (c: ClientView) => c.status === 'active' && c.token_endpoint_auth_method !== 'none' && c.grant_types.includes(TOKEN_EXCHANGE_GRANT);

export const gatewayExchange: DoctorCheck = {
  id: 'gateway_exchange',
  title: 'Gateway can exchange user tokens for the servers it fronts (RFC 8693)',
  run: async (ctx, { admin }) => {
    need(ctx.resource, 'no registered resource');
    const gw = ctx.resource;
    const [links, clients, resources] = await Promise.all([admin(`/resources/${encodeURIComponent(gw.slug)}/fronting`), admin('/clients'), admin('/resources')]);
    for (const r of [links, clients, resources]) if (r.status !== 200) return fail(`reading AuthPlane's configuration failed: ${oauthError(r)}`);
    const exchangers = (clients.json as ClientView[]).filter(canExchange);
    const all = resources.json as Resource[];
    const outcomes: Outcome[] = (links.json as ResourceFronting).fronts.map((link) => {
      const target = all.find((x) => x.slug === link.target);
      if (!target) return fail(`the link to "${link.target}" names a resource that no longer exists`, `authserver admin fronting delete${ctx.flag} --source ${gw.slug} --target ${link.target}`);
      const allowed = target.policy?.exchange?.allowed_client_ids ?? [];
      const usable = allowed.length ? exchangers.filter((c) => allowed.includes(c.client_id)) : exchangers;
      if (usable.length === 0) {
        return fail(
          allowed.length
            ? `"${target.slug}" lets only ${allowed.join(', ')} exchange, and none of them is an active confidential client with the token-exchange grant`
            : `no active confidential client has the token-exchange grant, so the gateway cannot exchange for "${target.slug}"`,
          `create the gateway's client: authserver admin client create${ctx.flag} --name ${gw.slug} --grant-types ${TOKEN_EXCHANGE_GRANT} --auth-method client_secret_basic, then authserver admin resource update ${target.slug}${ctx.flag} --policy-allowed-clients <its client_id>`,
        );
      }
      const unmapped = gw.scopes.map((x) => x.name).filter((x) => !(x in link.scope_map));
      const seen = `"${target.slug}" (scope map ${formatScopeMap(link.scope_map)}) through ${usable.map((c) => c.client_id).join(', ')}`;
      if (unmapped.length) return warn(`fronts ${seen}, but scope ${unmapped.map((x) => `"${x}"`).join(', ')} maps to nothing: a token with only that scope cannot be exchanged`, `recreate the link with every gateway scope in --scope-map`);
      if (!allowed.length) return warn(`fronts ${seen}; "${target.slug}" lets any client with the token-exchange grant exchange for it`, `pin the gateway's client: authserver admin resource update ${target.slug}${ctx.flag} --policy-allowed-clients ${usable[0]!.client_id}`);
      return pass(`fronts ${seen}`);
    });
    return outcomes.find((o) => o.status === 'fail') ?? outcomes.find((o) => o.status === 'warn') ?? pass(outcomes.map((o) => o.detail).join('; '));
  },
};
