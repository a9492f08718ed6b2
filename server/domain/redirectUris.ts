/**
 * Redirect URI matching: exact string match, except the port of a loopback redirect
 * (RFC 8252 §7.3: native apps bind an ephemeral port). Scheme, host literal, path and query
 * must still match, and localhost never matches 127.0.0.1 (TS SDK `redirectUriMatches`).
 */
import { memoByString } from '../memo';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Asked on every authorization for the same few URIs: the verdict is remembered. */
export const isLoopbackRedirect = memoByString((uri) => {
  try {
    const u = new URL(uri);
    return u.protocol === 'http:' && LOOPBACK.has(u.hostname);
  } catch {
    return false;
  }
}, 256);

export function redirectUriMatches(requested: string, registered: string): boolean {
  if (requested === registered) return true;
  if (!isLoopbackRedirect(requested) || !isLoopbackRedirect(registered)) return false;
  const a = new URL(requested);
  const b = new URL(registered);
  return a.protocol === b.protocol && a.hostname === b.hostname && a.pathname === b.pathname && a.search === b.search && !a.hash;
}

/** A public client with no registered redirect URIs may use any loopback redirect. */
export function redirectAllowed(requested: string, registered: string[], isPublic: boolean): boolean {
  if (registered.length === 0) return isPublic && isLoopbackRedirect(requested);
  return registered.some((r) => redirectUriMatches(requested, r));
}
