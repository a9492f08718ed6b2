/** Step 5: which MCP server the token is for (RFC 8707): slug or URI, see domain/resourceMatch.ts. */
import type { HttpContext } from '../../http/context';
import { matchResource, resourceError } from '../../domain/resourceMatch';
import type { Services } from '../../domain/services';
import { InvalidTarget } from '../../errors';
import { warn } from '../../http/activity';
import type { AuthorizeState } from './state';

export function checkResource(ctx: HttpContext, a: AuthorizeState, s: Services): void {
  const m = matchResource(a.params.resource, s.resources.list(), { strict: s.deps.config.strict });
  if ('error' in m) throw resourceError(m);
  if (m.warning) warn(ctx, m.warning.code, m.warning.message);
  a.resource = m.resource;
  ctx.state.resource = m.resource.uri;
}
