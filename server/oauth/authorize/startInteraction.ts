/**
 * Last step: decide now or ask. `--consent auto` approves as the configured user (the same
 * decision a click on Approve makes, domain/interactionDecisions.ts); a consent the
 * browser's user (userSession.ts) gave before that covers the scopes skips the page (unless
 * prompt=consent), issuing the code for that user; otherwise a pending
 * interaction is created and the browser goes to the consent page, while the desktop window
 * shows the same prompt live.
 */
import type { HttpContext } from '../../http/context';
import type { Services } from '../../domain/services';
import { OAuthError } from '../../errors';
import { PATHS } from '../paths';
import { isLoopbackRedirect } from '../../domain/redirectUris';
import { warn } from '../../http/activity';
import type { AuthorizeState } from './state';
import { browserUser } from '../userSession';

export async function startInteraction(ctx: HttpContext, a: AuthorizeState, s: Services): Promise<void> {
  const { config } = s.deps;
  const params = { client: a.client!, resource: a.resource!, redirectUri: a.redirectUri!, scopes: a.scopes!, state: a.params.state, codeChallenge: a.params.code_challenge!, prompt: a.params.prompt };
  // Auto consent must not hand tokens to a web page: a page on another site can register a client
  // with its own https redirect and navigate the browser here. Such a navigation
  // (Sec-Fetch-Site cross-site / same-site) is auto-approved only when the code goes to a loopback
  // redirect, which a web page cannot receive; otherwise the user is asked.
  const site = ctx.get('sec-fetch-site');
  const fromOtherSite = site === 'cross-site' || site === 'same-site';
  const auto = config.consent === 'auto' && (!fromOtherSite || isLoopbackRedirect(params.redirectUri));
  if (config.consent === 'auto' && !auto) warn(ctx, 'auto_consent_refused', `auto consent skipped: a ${site} browser navigation asked for a code at a non-loopback redirect (${params.redirectUri}); the user is asked instead`);
  if (auto) {
    ctx.status = 303;
    ctx.redirect(await s.decisions.auto(params));
    return;
  }
  // Only a request that may be asked reads who this browser is and what it consented to before.
  const prompts = (a.params.prompt ?? '').split(' ');
  const user = browserUser(ctx, s);
  const covered = s.consents.covers(user, params.client.client_id, params.resource.slug, params.scopes);
  if (prompts.includes('none') && config.consent !== 'auto' && !covered) {
    throw new OAuthError('consent_required', 'prompt=none was requested but the user has not consented to these scopes yet');
  }
  const remembered = !prompts.includes('consent') && covered;
  if (remembered) {
    ctx.status = 303;
    ctx.redirect(s.decisions.codeRedirect(params, user, params.scopes));
    return;
  }
  const interaction = s.interactions.start(params, (ctx.state.warnings ?? []) as never);
  ctx.status = 303;
  ctx.redirect(`${PATHS.consent}?interaction=${encodeURIComponent(interaction.uid)}`);
}
