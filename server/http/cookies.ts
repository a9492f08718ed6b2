/**
 * The request's cookies and the port that separates this server's cookies from another
 * AuthPlane's: cookies are per host, not per port, so two servers on 127.0.0.1 share them.
 */

/** Every `name=value` pair of a Cookie header, in order (a pair without `=` has an empty value). */
export function cookiePairs(header: string): Array<[string, string]> {
  if (!header) return [];
  return header.split(';').map((pair): [string, string] => {
    const eq = pair.indexOf('=');
    return eq < 0 ? [pair.trim(), ''] : [pair.slice(0, eq).trim(), pair.slice(eq + 1).trim()];
  });
}

/** The value of cookie `name` in a Cookie header, or undefined. */
export function cookieValue(header: string, name: string): string | undefined {
  return cookiePairs(header).find(([n]) => n === name)?.[1];
}

/** The port in a Host header ("default" when it has none): the part of a cookie name that keeps servers apart. */
export function cookiePort(host: string): string {
  return /:(\d+)$/.exec(host)?.[1] ?? 'default';
}
