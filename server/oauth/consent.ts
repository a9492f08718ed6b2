/**
 * The browser consent page. Server-rendered, no inline script (strict CSP), unframeable. The
 * form's CSRF token is bound to the interaction and doubled in a SameSite=Strict cookie of that
 * interaction's own (consentCookie.ts, so several consent tabs can be open at once), and a
 * cross-origin POST is refused by its Origin header before anything else. While the page is
 * open it long-polls /consent/wait, so a decision made in the desktop window moves it along.
 * The decision itself is the domain's (domain/interactionDecisions.ts): this page and the admin
 * API only carry it.
 */
import type { RouteTable } from '../http/routes';
import type { Context } from 'koa';
import type { Interaction } from '../domain/interactions';
import type { Services } from '../domain/services';
import { CONSENT_WAIT_MS, ConsentWaiter } from '../contracts';
import { safeEqual } from '../domain/crypto';
import { OAuthError, PageError } from '../errors';
import { readForm, queryParams } from '../http/body';
import { pageHeaders } from '../http/guards';
import { esc, page } from '../http/page';
import { clearConsentCookie, consentCookieMatches, issueConsentCookie } from './consentCookie';
import { PATHS } from './paths';
import { browserUser, rememberBrowserUser } from './userSession';
import { scopeDefs } from '../domain/offlineAccess';

function loadInteraction(s: Services, uid: string | undefined): Interaction {
  const i = uid ? s.interactions.get(uid) : undefined;
  if (!i) throw new PageError('invalid_request', 'Consent Request Expired', 'This consent request does not exist or has expired. Start the authorization again from your MCP client.', 400);
  return i;
}

/** Where the answer goes, in words: a web host, or the app that owns a private-use scheme (it has no host). */
function returnTarget(redirectUri: string): string {
  try {
    const u = new URL(redirectUri);
    if (u.protocol === 'http:' || u.protocol === 'https:') return `<strong>${esc(u.host)}</strong>`;
    return `the app <strong>${esc(u.protocol.slice(0, -1))}</strong>`;
  } catch {
    return `<strong>${esc(redirectUri)}</strong>`;
  }
}

/** `def`: the user preselected under "Approve as" (the browser's user, userSession.ts). */
export function renderConsent(s: Services, i: Interaction, def = s.deps.config.user): string {
  const users = s.users.list();
  const returnsTo = returnTarget(i.redirectUri);
  const scopes = scopeDefs(i.resource, i.scopes)
    .map((x) => `<label class="scope"><input type="checkbox" name="scope" value="${esc(x.name)}" checked><span>${esc(x.description || x.name)}<small class="mono">${esc(x.name)}</small></span></label>`)
    .join('');
  const userOptions = users.map((u) => `<option value="${esc(u.sub)}"${u.sub === def ? ' selected' : ''}>${esc(u.name)} (${esc(u.sub)})</option>`).join('');
  const warnings = i.warnings.map((w) => `<p class="warn">${esc(w.message)}</p>`).join('');
  // Step-up (SEP-2350): what the preselected user already allowed stays granted with this request.
  const kept = s.interactions.view(i).kept_scopes[def] ?? [];
  const keptNote = kept.length ? `<p class="muted" id="kept">Already allowed earlier, and kept with this request: ${kept.map((x) => `${esc(x.description || x.name)} (<code>${esc(x.name)}</code>)`).join(', ')}.</p>` : '';
  const source = { admin: 'registered by an admin', dcr: 'registered itself (dynamic registration)', cimd: 'identified by its metadata document' }[i.client.registration_source];
  return page(
    'Authorize access',
    `<h1><strong>${esc(i.client.client_name)}</strong> wants access to <strong>${esc(i.resource.display_name)}</strong></h1>
<p><span class="chip mono">${esc(i.resource.slug)} · ${esc(i.resource.uri)}</span></p>
<p class="muted">Client <code>${esc(i.client.client_id)}</code>, ${source}. After you decide, your browser returns to ${returnsTo}.</p>
${warnings}
<form method="post" action="${PATHS.consent}">
<input type="hidden" name="interaction" value="${esc(i.uid)}">
<input type="hidden" name="csrf" value="${esc(i.csrf)}">
<fieldset><legend>Permissions</legend>${scopes}</fieldset>
${keptNote}
<p><label for="sub">Approve as </label><select id="sub" name="sub">${userOptions}</select></p>
<div class="actions"><button type="submit" name="action" value="deny">Deny</button><button type="submit" name="action" value="approve" class="primary">Approve</button></div>
</form>
<p class="muted" id="wait-note" data-interaction="${esc(i.uid)}">You can also decide in the AuthPlane window; this page follows.</p>`,
    { scripts: ['/assets/consent.js'] },
  );
}

// Follows a decision made elsewhere (the desktop window). Once this page's own form is
// submitted it stops: two navigations racing to the same redirect could cancel each other.
const WAIT_JS = `(function(){var n=document.getElementById('wait-note');if(!n)return;var uid=n.getAttribute('data-interaction');var done=false;
var f=document.querySelector('form');if(f)f.addEventListener('submit',function(){done=true});
function poll(){if(done)return;fetch('/consent/wait?waiter=browser&interaction='+encodeURIComponent(uid),{credentials:'same-origin'}).then(function(r){return r.ok?r.json():null}).then(function(j){if(done)return;if(j&&j.redirect){done=true;location.replace(j.redirect)}else if(j&&j.pending){poll()}}).catch(function(){if(!done)setTimeout(poll,2000)})}
poll()})();`;

export function mountConsent(router: RouteTable, s: Services): void {
  router.get(PATHS.consent, (ctx: Context) => {
    ctx.state.pageRoute = true;
    const i = loadInteraction(s, queryParams(ctx).params.interaction);
    pageHeaders(ctx);
    if (i.outcome) {
      clearConsentCookie(ctx, i.uid);
      ctx.status = 303;
      ctx.redirect(i.outcome.redirect);
      return;
    }
    issueConsentCookie(ctx, s.interactions, i, s.deps.clock.now());
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = renderConsent(s, i, browserUser(ctx, s));
  });

  router.post(PATHS.consent, async (ctx: Context) => {
    ctx.state.pageRoute = true;
    pageHeaders(ctx);
    const origin = ctx.get('origin');
    // Not ctx.origin: Koa 3 derives it from the Origin header itself.
    if (origin && origin !== `http://${ctx.get('host')}` && origin !== s.deps.config.issuer) {
      throw new PageError('access_denied', 'Forbidden', `a consent decision cannot be posted from another origin (${origin})`, 403);
    }
    const { params, lists } = await readForm(ctx, ['scope']);
    const i = loadInteraction(s, params.interaction);
    if (!params.csrf || !safeEqual(params.csrf, i.csrf) || !consentCookieMatches(ctx, i)) {
      throw new PageError('access_denied', 'Forbidden', 'the consent form is stale or was not submitted from the consent page (CSRF check failed); reload the page and try again', 403);
    }
    ctx.state.clientId = i.client.client_id;
    const action = params.action;
    if (action !== 'approve' && action !== 'deny') throw new PageError('invalid_request', 'Invalid Request', 'action must be "approve" or "deny"');
    if (action === 'approve' && (lists.scope ?? []).length === 0) {
      throw new PageError('invalid_request', 'No Permissions Selected', 'Select at least one permission to approve, or deny the request.');
    }
    try {
      const { redirect, sub } = await s.decisions.decide(i.uid, action === 'deny' ? { action } : { action, sub: params.sub, scopes: lists.scope });
      if (sub) rememberBrowserUser(ctx, s, sub);
      ctx.state.sub = sub;
      clearConsentCookie(ctx, i.uid);
      ctx.status = 303;
      ctx.redirect(redirect);
    } catch (e) {
      if (e instanceof OAuthError && !(e instanceof PageError)) throw new PageError(e.error, 'Invalid Request', e.message, e.status);
      throw e;
    }
  });

  // Long poll: resolves when the interaction is decided elsewhere, or after CONSENT_WAIT_MS with {pending}.
  // `waiter` says who is waiting (the consent page, or `authserver connect`), shown on the prompt.
  router.get(`${PATHS.consent}/wait`, async (ctx: Context) => {
    ctx.set('Cache-Control', 'no-store');
    const { params } = queryParams(ctx);
    const waiter = ConsentWaiter.safeParse(params.waiter ?? 'browser');
    if (!waiter.success) {
      ctx.status = 400;
      ctx.body = { error: 'invalid_request', error_description: 'waiter must be "browser" or "cli"' };
      return;
    }
    const i = s.interactions.get(params.interaction ?? '');
    if (!i) {
      ctx.status = 404;
      ctx.body = { error: 'not_found', error_description: 'consent request expired' };
      return;
    }
    const gone = new AbortController();
    ctx.req.on('close', () => gone.abort());
    const outcome = await s.interactions.waitForDecision(i, waiter.data, CONSENT_WAIT_MS, gone.signal);
    if (!outcome) {
      ctx.body = { pending: true };
      return;
    }
    clearConsentCookie(ctx, i.uid);
    ctx.body = { redirect: outcome.redirect };
  });

  router.get('/assets/consent.js', (ctx) => {
    ctx.type = 'application/javascript';
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = WAIT_JS;
  });
}
