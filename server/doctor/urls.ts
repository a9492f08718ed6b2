/** The URL rules the doctor applies: what it accepts as an MCP endpoint, and how clients compare URLs. */

export class DoctorInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DoctorInputError';
  }
}

/** Throws DoctorInputError unless `url` is an absolute http(s) URL without a fragment. */
export function assertMcpUrl(url: string): void {
  let endpoint: URL;
  try {
    endpoint = new URL(url);
  } catch {
    throw new DoctorInputError(`"${url}" is not a URL; pass the MCP endpoint, e.g. http://127.0.0.1:3001/mcp`);
  }
  if (endpoint.protocol !== 'http:' && endpoint.protocol !== 'https:') throw new DoctorInputError(`"${url}" is not an http(s) URL`);
  if (endpoint.hash) throw new DoctorInputError(`"${url}" has a fragment; pass the MCP endpoint without "#…"`);
}

/** URL-level normalisation only (what AuthPlane's resource matching tolerates). */
export const urlNormalized = (uri: string): string | undefined => {
  try {
    const u = new URL(uri);
    return `${u.protocol}//${u.host}${u.pathname}${u.search}`;
  } catch {
    return undefined;
  }
};

/** The URL's origin, or undefined when it is not a URL. */
export const originOf = (uri: string): string | undefined => {
  try {
    return new URL(uri).origin;
  } catch {
    return undefined;
  }
};

/** Loose comparison for "did you mean": also ignores trailing slashes. */
export const normalizeUri = (uri: string): string | undefined => {
  try {
    const u = new URL(uri);
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '') || ''}${u.search}`;
  } catch {
    return undefined;
  }
};

/** The SDK clients' rule (checkResourceAllowed): same origin, and the resource path a prefix of the endpoint's. */
export function resourceCovers(resource: string, endpoint: string): boolean {
  try {
    const r = new URL(resource);
    const e = new URL(endpoint);
    if (r.origin !== e.origin) return false;
    const slash = (p: string) => (p.endsWith('/') ? p : `${p}/`);
    return slash(e.pathname).startsWith(slash(r.pathname));
  } catch {
    return false;
  }
}

/** RFC 8414 §3.1: the well-known segment goes between the host and the issuer's path. */
export function asMetadataUrl(issuer: string): string {
  const u = new URL(issuer);
  const path = u.pathname.replace(/\/+$/, '');
  return `${u.origin}/.well-known/oauth-authorization-server${path}`;
}
