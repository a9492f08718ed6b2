/** Step 3: the request itself: response_type=code, and no request objects we do not support. */
import type { HttpContext } from '../../http/context';
import type { Services } from '../../domain/services';
import { InvalidRequest, OAuthError } from '../../errors';
import type { AuthorizeState } from './state';

export function checkRequest(_ctx: HttpContext, a: AuthorizeState, _s: Services): void {
  const rt = a.params.response_type;
  if (!rt) throw new InvalidRequest('response_type is required and must be "code"');
  if (rt !== 'code') throw new OAuthError('unsupported_response_type', `response_type "${rt}" is not supported; use "code" (OAuth 2.1 has no implicit flow)`);
  if (a.params.request || a.params.request_uri) throw new OAuthError('request_not_supported', 'request objects (request / request_uri) are not supported');
}
