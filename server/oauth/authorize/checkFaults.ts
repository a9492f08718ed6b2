/**
 * An armed `authorize` fault fires here: after the redirect URI is trusted, so an OAuth error
 * goes back to the client with `state` and `iss` as the real errors do (a chosen HTTP status
 * or a 5xx stays a page).
 */
import type { HttpContext } from '../../http/context';
import type { Services } from '../../domain/services';
import { consultFaults } from '../faults';
import type { AuthorizeState } from './state';

export async function checkFaults(ctx: HttpContext, a: AuthorizeState, s: Services): Promise<void> {
  await consultFaults(s.faults, 'authorize', ctx, () => ({ client_id: a.params.client_id }));
}
