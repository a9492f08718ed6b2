/** Builds the redirect back to the client: `code` or `error`, the original `state`, and `iss` (RFC 9207). */
export function clientRedirect(redirectUri: string, issuer: string, params: Record<string, string | undefined>): string {
  const u = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v);
  u.searchParams.set('iss', issuer);
  return u.toString();
}
