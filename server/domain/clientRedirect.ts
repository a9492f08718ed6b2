import { memoByString } from '../memo';

/** Builds the redirect back to the client: `code` or `error`, the original `state`, and `iss` (RFC 9207). */
export function clientRedirect(redirectUri: string, issuer: string, params: Record<string, string | undefined>): string {
  const base = plainBase(redirectUri);
  if (base !== null) {
    // The same string the URL path below gives, without parsing the redirect URI on every code.
    const sp = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined) sp.set(k, v);
    sp.set('iss', issuer);
    return `${base}?${sp}`;
  }
  const u = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v);
  u.searchParams.set('iss', issuer);
  return u.toString();
}

/** The serialized http(s) URI when it has no query and no fragment (so parameters append), else null. */
const plainBase = memoByString((uri): string | null => {
  const u = new URL(uri);
  return (u.protocol === 'http:' || u.protocol === 'https:') && !u.href.includes('?') && !u.href.includes('#') ? u.href : null;
}, 256);
