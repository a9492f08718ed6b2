/**
 * Who may learn about a token at /oauth/introspect (the product's entitlement, digest §2.6): the
 * client the token was issued to, or a client the token's resource lets act as itself
 * (`policy.runtime.client_ids`; an empty list lets none), or the admin token (a Desktop
 * extension). Everyone else is told `{active:false}`, so "not yours" looks like "invalid".
 */
import type { Resource } from '../contracts';

export type IntrospectionCaller = { kind: 'admin' } | { kind: 'client'; client_id: string };

/** What entitlement looks at: the client the token was issued to and the URIs in its `aud`. */
export interface IntrospectedToken {
  client_id: string;
  aud: string[];
}

export function mayIntrospect(caller: IntrospectionCaller, token: IntrospectedToken, resources: readonly Resource[]): boolean {
  if (caller.kind === 'admin') return true;
  if (caller.client_id === token.client_id) return true;
  return token.aud.some((aud) => {
    const resource = resources.find((r) => r.uri === aud);
    if (!resource) return false;
    // The product's deprecated fallback: a client named like the resource acts as it.
    return resource.policy?.runtime?.client_ids.includes(caller.client_id) === true || resource.slug === caller.client_id;
  });
}
