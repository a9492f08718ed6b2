/**
 * Deciding a pending interaction, wherever the decision comes from: the browser consent page,
 * the desktop window (admin API) or `--consent auto`. Approve → consent recorded, code issued,
 * redirect with `code`; deny → redirect with `error=access_denied`.
 */
import type { ConsentDecision } from '../contracts';
import type { Interaction } from '../domain/interactions';
import type { Services } from '../domain/services';
import { InvalidRequest, NotFound } from '../errors';
import { clientRedirect } from './redirect';

export async function issueCodeRedirect(s: Services, i: Pick<Interaction, 'client' | 'resource' | 'redirectUri' | 'codeChallenge' | 'state'> & { uid?: string }, sub: string, scopes: string[]): Promise<string> {
  const ttl = i.resource.code_ttl ?? s.deps.config.codeTtl;
  const code = s.interactions.issueCode({ clientId: i.client.client_id, redirectUri: i.redirectUri, codeChallenge: i.codeChallenge, sub, resource: i.resource.slug, scope: scopes.join(' ') }, ttl, i.uid);
  return clientRedirect(i.redirectUri, s.deps.config.issuer, { code, state: i.state });
}

/** `sub`: who approved (undefined for a deny, or a decision that was already made). */
export async function decideInteraction(s: Services, uid: string, decision: ConsentDecision): Promise<{ redirect: string; sub?: string }> {
  const i = s.interactions.get(uid);
  if (!i) throw new NotFound(`consent request "${uid}" does not exist or has expired`);
  if (i.outcome) return { redirect: i.outcome.redirect };
  if (decision.action === 'deny') {
    const redirect = clientRedirect(i.redirectUri, s.deps.config.issuer, { error: 'access_denied', error_description: 'the user denied the request', state: i.state });
    s.interactions.settle(i, { redirect, action: 'deny' });
    s.deps.events.emit('consent.decided', { uid, action: 'deny' });
    return { redirect };
  }
  const sub = decision.sub ?? s.deps.config.user;
  if (!s.users.get(sub)) throw new InvalidRequest(`user "${sub}" does not exist; create it with \`authserver admin user create --sub ${sub}\``);
  const scopes = decision.scopes ?? i.scopes;
  const extra = scopes.filter((x) => !i.scopes.includes(x));
  if (extra.length) throw new InvalidRequest(`scopes ${extra.join(', ')} were not requested; the user can only narrow the request`);
  if (scopes.length === 0) throw new InvalidRequest('pick at least one scope to approve, or deny the request');
  // Keep catalog order.
  const granted = i.scopes.filter((x) => scopes.includes(x));
  await s.consents.record(sub, i.client.client_id, i.resource.slug, granted);
  const redirect = await issueCodeRedirect(s, i, sub, granted);
  s.interactions.settle(i, { redirect, action: 'approve' });
  s.deps.events.emit('consent.decided', { uid, action: 'approve', sub, scopes: granted });
  return { redirect, sub };
}
