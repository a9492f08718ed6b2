/**
 * Deciding an authorization request, wherever the decision comes from: a person on the browser
 * consent page or in the desktop window (admin API), or `--consent auto` approving as the
 * configured user without asking. Approve → consent recorded, code issued, redirect with `code`;
 * deny → redirect with `error=access_denied`. Every decision emits `consent.decided`, one shape
 * whoever made it, so the audit trail and the event stream tell an auto-approved flow like a
 * clicked one.
 *
 * Step-up (SEP-2350): a request that widens what the user already granted this client for this
 * resource is consented as the union: the grant accumulates, and the code (so the token and every
 * refresh of it) carries the earlier scopes too. A client that re-authorizes asking only for the
 * challenged scope (SDK 1.x does) keeps what it had; one that narrows within its grant gets what it asked.
 */
import type { ConsentDecision } from '../contracts';
import { InvalidRequest, NotFound } from '../errors';
import { clientRedirect } from './clientRedirect';
import type { ConsentService } from './consents';
import { randomId } from './crypto';
import { OFFLINE_ACCESS, inCatalogOrder, refreshAllowed, resourceScopes } from './offlineAccess';
import type { CoreDeps } from './deps';
import type { AuthorizationParams, InteractionService } from './interactions';
import type { UserService } from './users';

type Approval = Extract<ConsentDecision, { action: 'approve' }>;
type CodeTarget = Pick<AuthorizationParams, 'client' | 'resource' | 'redirectUri' | 'codeChallenge' | 'state' | 'scopes'>;

export interface DecisionDeps {
  interactions: InteractionService;
  users: UserService;
  consents: ConsentService;
}

export class DecisionService {
  constructor(private readonly d: CoreDeps, private readonly x: DecisionDeps) {}

  /** A pending prompt decided by a person. `sub`: who approved (undefined for a deny, or a decision that was already made). */
  async decide(uid: string, decision: ConsentDecision): Promise<{ redirect: string; sub?: string }> {
    const i = this.x.interactions.get(uid);
    if (!i) throw new NotFound(`consent request "${uid}" does not exist or has expired`);
    if (i.outcome) return { redirect: i.outcome.redirect };
    if (decision.action === 'deny') {
      const redirect = clientRedirect(i.redirectUri, this.d.config.issuer, { error: 'access_denied', error_description: 'the user denied the request', state: i.state });
      this.x.interactions.settle(i, { redirect, action: 'deny' });
      this.d.events.emit('consent.decided', { uid, action: 'deny' });
      return { redirect };
    }
    const { redirect, sub, scopes } = await this.approve(i, uid, decision, 'person');
    this.x.interactions.settle(i, { redirect, action: 'approve' });
    this.d.events.emit('consent.decided', { uid, action: 'approve', sub, scopes });
    return { redirect, sub };
  }

  /**
   * `--consent auto`: the configured user approves every requested scope, as a click on Approve
   * would. Nobody is asked, so no prompt is opened; the decision still gets an id of its own.
   */
  async auto(p: AuthorizationParams): Promise<string> {
    const uid = randomId();
    const { redirect, sub, scopes } = await this.approve(p, uid, { action: 'approve' }, 'auto');
    this.d.events.emit('consent.decided', { uid, action: 'approve', sub, scopes });
    return redirect;
  }

  /** Issues the code for an approved request (`scopes`, out of `t.scopes` asked for) and builds the redirect carrying it. */
  codeRedirect(t: CodeTarget, sub: string, scopes: string[], decidedUid?: string): string {
    const ttl = t.resource.code_ttl ?? this.d.config.codeTtl;
    const code = this.x.interactions.issueCode(
      { clientId: t.client.client_id, redirectUri: t.redirectUri, codeChallenge: t.codeChallenge, sub, resource: t.resource.slug, scope: resourceScopes(scopes).join(' '), refresh: refreshAllowed(t.scopes, scopes) },
      ttl,
      decidedUid,
    );
    return clientRedirect(t.redirectUri, this.d.config.issuer, { code, state: t.state });
  }

  private async approve(p: AuthorizationParams, uid: string, a: Approval, by: 'person' | 'auto'): Promise<{ redirect: string; sub: string; scopes: string[] }> {
    const sub = a.sub ?? this.d.config.user;
    if (!this.x.users.get(sub)) throw new InvalidRequest(`user "${sub}" does not exist; create it with \`authserver admin user create --sub ${sub}\``);
    const approved = grantedScopes(p.scopes, a.scopes ?? p.scopes);
    const earlier = this.x.consents.find(sub, p.client.client_id, p.resource.slug)?.scopes ?? [];
    const widens = approved.some((x) => !earlier.includes(x));
    // Offline access is asked for each time (it is the user's call, request by request): an earlier yes is not carried over.
    const scopes = widens ? inCatalogOrder(p.resource, [...earlier.filter((x) => x !== OFFLINE_ACCESS), ...approved]) : approved;
    // A person's approval is recorded even when an earlier grant covers it (prompt=consent asked
    // again, and the answer is news). Auto consent runs on every authorization: re-recording a
    // grant that already covers it would rewrite consents.json (two fsyncs) without changing it.
    if (by === 'person' || widens) {
      await this.x.consents.record(sub, p.client.client_id, p.resource.slug, approved);
    }
    return { redirect: this.codeRedirect(p, sub, scopes, uid), sub, scopes };
  }
}

/** The user can only narrow the request; the result keeps the catalog order of `requested`. */
function grantedScopes(requested: string[], approved: string[]): string[] {
  const extra = approved.filter((x) => !requested.includes(x));
  if (extra.length) throw new InvalidRequest(`scopes ${extra.join(', ')} were not requested; the user can only narrow the request`);
  if (resourceScopes(approved).length === 0) throw new InvalidRequest(approved.length ? 'offline access alone grants nothing: pick at least one permission of the resource, or deny the request' : 'pick at least one scope to approve, or deny the request');
  return requested.filter((x) => approved.includes(x));
}
