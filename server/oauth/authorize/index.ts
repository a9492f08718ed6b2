/**
 * GET /oauth/authorize as an ordered list of small steps. Until the redirect URI is validated,
 * failures are pages (never redirects); after that they go back to the client with `error`,
 * the original `state` and `iss`.
 */
import type { RouteTable } from '../../http/routes';
import type { HttpContext } from '../../http/context';
import type { Services } from '../../domain/services';
import { OAuthError } from '../../errors';
import { queryParams, readForm } from '../../http/body';
import { PATHS } from '../paths';
import { clientRedirect } from '../../domain/clientRedirect';
import { checkClient } from './checkClient';
import { checkFaults } from './checkFaults';
import { checkPkce } from './checkPkce';
import { checkRedirectUri } from './checkRedirectUri';
import { checkRequest } from './checkRequest';
import { checkResource } from './checkResource';
import { checkScope } from './checkScope';
import { startInteraction } from './startInteraction';
import type { AuthorizeState } from './state';

type Step = (ctx: HttpContext, a: AuthorizeState, s: Services) => void | Promise<void>;

export const AUTHORIZE_STEPS: Step[] = [checkClient, checkRedirectUri, checkFaults, checkRequest, checkPkce, checkResource, checkScope, startInteraction];

export function authorizeHandler(s: Services) {
  return async function authorize(ctx: HttpContext): Promise<void> {
    ctx.state.pageRoute = true;
    const a: AuthorizeState = { params: {}, redirectable: false };
    try {
      a.params = ctx.method === 'POST' ? (await readForm(ctx)).params : queryParams(ctx).params;
      for (const step of AUTHORIZE_STEPS) await step(ctx, a, s);
    } catch (err) {
      if (!(err instanceof OAuthError) || !a.redirectable || !err.allowRedirect || err.status >= 500) throw err;
      ctx.state.redirectErrorDescription = err.message;
      ctx.state.redirectErrorFix = err.fix;
      ctx.status = 303;
      ctx.redirect(clientRedirect(a.redirectUri!, s.deps.config.issuer, { error: err.error, error_description: err.message, state: a.params.state }));
    }
  };
}

export function mountAuthorize(router: RouteTable, s: Services): void {
  const handler = authorizeHandler(s);
  router.get(PATHS.authorize, handler);
  router.post(PATHS.authorize, handler);
}
