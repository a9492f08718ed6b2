/**
 * Which user a browser is. There are no passwords here: the user is whoever the browser last
 * approved a consent as, kept in a session cookie `authplane_user_<port>` (cookies are shared by
 * every port of a host, so each AuthPlane instance has its own). The value is the sub sealed with
 * a key derived from the server secret (domain/seal.ts), so another local server or a page cannot
 * forge "I am alice". A browser that never approved is the default user (`--user`), as before.
 * A remembered consent skips the prompt only for the user it was given by.
 */
import type { Context } from 'koa';
import type { HttpContext } from '../http/context';
import { createSealer } from '../domain/seal';
import type { Services } from '../domain/services';
import { cookiePort, cookieValue } from '../http/cookies';

/** The cookie's name: cookies are per host, not per port, so the port the browser reached us on separates servers. */
export function userSessionCookie(host: string): string {
  return `authplane_user_${cookiePort(host)}`;
}

const sealer = (s: Services) => createSealer(s.deps.secret, 'user-session');

/** The sub this browser approved as, if that user still exists; else the default user. */
export function browserUser(ctx: HttpContext, s: Services): string {
  const { issuer, user } = s.deps.config;
  const sealed = cookieValue(ctx.get('cookie'), userSessionCookie(ctx.get('host')));
  const sub = sealed === undefined ? undefined : sealer(s).open(sealed, issuer);
  return sub !== undefined && s.users.get(sub) ? sub : user;
}

/** Remembers that this browser approved as `sub` (for the browser session, every path). */
export function rememberBrowserUser(ctx: Context, s: Services, sub: string): void {
  const { issuer } = s.deps.config;
  // Lax, not Strict: the authorization request is a top-level navigation from the client's site.
  ctx.cookies.set(userSessionCookie(ctx.get('host')), sealer(s).seal(sub, issuer), { httpOnly: true, sameSite: 'lax', path: '/', overwrite: true, signed: false });
}
