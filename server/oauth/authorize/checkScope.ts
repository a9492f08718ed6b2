/**
 * Step 6: scopes. Missing means every scope of the resource (clients such as Claude Code omit
 * it). Unknown scopes are refused, not stripped: a silent strip hides the client's bug.
 * `offline_access` is no resource's scope: it is checked apart and kept, last, for the consent
 * decision (domain/offlineAccess.ts).
 */
import type { HttpContext } from '../../http/context';
import type { Services } from '../../domain/services';
import { InvalidScope } from '../../errors';
import { warn } from '../../http/activity';
import type { AuthorizeState } from './state';
import { OFFLINE_ACCESS, inCatalogOrder } from '../../domain/offlineAccess';

export function requestedScopes(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  const list = raw.split(' ').filter((x) => x && x !== OFFLINE_ACCESS);
  return [...new Set(list)];
}

export function checkScope(ctx: HttpContext, a: AuthorizeState, s: Services): void {
  const resource = a.resource!;
  const catalog = resource.scopes.map((x) => x.name);
  let asked = requestedScopes(a.params.scope);
  if (asked === undefined || asked.length === 0) {
    // The product's answer with oauth.require_scope=true (its default).
    if (s.deps.config.strict) throw new InvalidScope('the requested scope is invalid or not allowed: scope parameter is required (oauth.require_scope=true)');
    warn(ctx, 'scope_missing', `request has no scope; granting the resource's scopes (${catalog.join(' ') || 'none'})`);
    asked = catalog;
  }
  const unknown = asked.filter((x) => !catalog.includes(x));
  if (unknown.length) {
    warn(ctx, 'unknown_scope', `scope ${unknown.join(', ')} is not defined for resource "${resource.slug}"`);
    throw new InvalidScope(`scope ${unknown.map((x) => `"${x}"`).join(', ')} is not defined for resource "${resource.uri}" (available: ${catalog.join(' ') || 'none'})`);
  }
  const ceiling = a.client!.scope;
  if (ceiling.length) {
    const over = asked.filter((x) => !ceiling.includes(x));
    if (over.length) throw new InvalidScope(`client "${a.client!.client_id}" may not request ${over.map((x) => `"${x}"`).join(', ')} (its scope ceiling is: ${ceiling.join(' ')})`);
  }
  if (asked.length === 0) throw new InvalidScope(`resource "${resource.slug}" defines no scopes; add one with \`authserver admin resource update ${resource.slug} --scopes 'read||Read access'\``);
  const offline = (a.params.scope ?? '').split(' ').includes(OFFLINE_ACCESS);
  // Catalog order, as the consent page shows them.
  a.scopes = inCatalogOrder(resource, offline ? [...asked, OFFLINE_ACCESS] : asked);
}
