/**
 * RFC 8707 resource resolution for /oauth/authorize and /oauth/token.
 * Byte-for-byte first; then only RFC 3986 normalisation the TS MCP SDK is known to introduce
 * (scheme/host case, default port, "/" on an origin-only URI). Anything else is a real
 * mismatch, and the description says exactly where the strings differ, because a silent
 * fallback would hide the bug until the MCP server rejects the token's `aud`.
 */
import type { Resource, WarningCode } from '../contracts';
import { InvalidTarget, type OAuthError } from '../errors';

export interface ResourceMatch {
  resource: Resource;
  how: 'exact' | 'slug' | 'normalized' | 'only' | 'default';
  warning?: { code: WarningCode; message: string };
}
/** `fix`: the developer's change, when the resource is a near miss of a registered one. */
export type ResourceMismatch = { error: string; fix?: string };
export type ResourceMatchResult = ResourceMatch | ResourceMismatch;

/** The invalid_target a mismatch answers with (its fix goes to the flow timeline, not the wire). */
export function resourceError(m: ResourceMismatch): OAuthError {
  const e = new InvalidTarget(m.error);
  if (m.fix) e.fix = m.fix;
  return e;
}

function normalize(uri: string): string | undefined {
  try {
    const u = new URL(uri);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
    // URL lowercases scheme and host, drops default ports and turns an empty path into "/".
    return `${u.protocol}//${u.host}${u.pathname}${u.search}`;
  } catch {
    return undefined;
  }
}

/** Why `a` is not `b`, in words a developer can act on. */
export function describeDifference(sent: string, registered: string): string {
  if (sent + '/' === registered) return 'it is missing the trailing "/"';
  if (sent === registered + '/') return 'it has an extra trailing "/"';
  try {
    const a = new URL(sent);
    const b = new URL(registered);
    if (a.protocol !== b.protocol) return `the scheme differs (${a.protocol.slice(0, -1)} vs ${b.protocol.slice(0, -1)})`;
    if (a.hostname !== b.hostname) return `the host differs ("${a.hostname}" vs "${b.hostname}")`;
    if (a.port !== b.port) return `the port differs (${a.port || 'default'} vs ${b.port || 'default'})`;
    if (a.pathname !== b.pathname) return `the path differs ("${a.pathname}" vs "${b.pathname}")`;
    if (a.search !== b.search) return `the query differs ("${a.search}" vs "${b.search}")`;
  } catch {
    /* fall through to the character position */
  }
  let i = 0;
  while (i < sent.length && i < registered.length && sent[i] === registered[i]) i++;
  return `they differ at character ${i + 1}`;
}

function distance(a: string, b: string): number {
  // Levenshtein with one row; inputs are short URIs.
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

export function closestResource(sent: string, resources: Resource[]): Resource | undefined {
  let best: Resource | undefined;
  let bestD = Infinity;
  for (const r of resources) {
    const d = distance(sent, r.uri);
    if (d < bestD) {
      bestD = d;
      best = r;
    }
  }
  return best;
}

/** What `strict` (config key, `serve --strict`) refuses instead of resolving with a warning. */
export const STRICT_MISSING_RESOURCE = 'the resource parameter is required (strict mode): send resource=<registered URI> (RFC 8707)';

export function matchResource(param: string | undefined, resources: Resource[], opts: { strict?: boolean } = {}): ResourceMatchResult {
  if (param === undefined || param === '') {
    if (opts.strict) return { error: STRICT_MISSING_RESOURCE };
    if (resources.length === 0) return { error: 'no resource is registered: create one with `authserver admin resource create --slug ... --uri ...`' };
    if (resources.length === 1) {
      const only = resources[0]!;
      return { resource: only, how: 'only', warning: { code: 'resource_missing', message: `request has no resource parameter; bound to the only registered resource "${only.slug}" (${only.uri})` } };
    }
    const def = resources.find((r) => r.is_default);
    if (def) {
      return { resource: def, how: 'default', warning: { code: 'resource_missing', message: `request has no resource parameter; bound to the default resource "${def.slug}" (${def.uri})` } };
    }
    return {
      error: `the resource parameter is required: ${resources.length} resources are registered (${resources.map((r) => r.slug).join(', ')}) and none is the default; send resource=<uri> (RFC 8707) or mark one resource as default`,
    };
  }
  const exact = resources.find((r) => r.uri === param);
  if (exact) return { resource: exact, how: 'exact' };
  const bySlug = resources.find((r) => r.slug === param);
  if (bySlug) return { resource: bySlug, how: 'slug' };
  const n = normalize(param);
  if (n === undefined) {
    if (/^[a-z0-9][a-z0-9-]{0,63}$/.test(param)) {
      return { error: `resource "${param}" is not a registered slug (registered: ${resources.map((r) => r.slug).join(', ') || 'none'})` };
    }
    return { error: `resource "${param}" must be an absolute http(s) URI without a fragment, or a registered slug` };
  }
  if (/#/.test(param)) return { error: `resource "${param}" must not contain a fragment (RFC 8707 §2)` };
  const normalized = opts.strict ? undefined : resources.find((r) => normalize(r.uri) === n);
  if (normalized) {
    return {
      resource: normalized,
      how: 'normalized',
      warning: {
        code: 'resource_normalized',
        message: `resource "${param}" is not byte-for-byte the registered "${normalized.uri}" but equal after RFC 3986 normalisation; the token's aud is "${normalized.uri}"`,
      },
    };
  }
  const closest = closestResource(param, resources);
  if (!closest) return { error: `resource "${param}" is not registered (no resources exist yet)` };
  return {
    error: `resource "${param}" is not registered; the closest registered resource is "${closest.uri}" (${closest.slug}): ${describeDifference(param, closest.uri)}`,
    fix: `the client sent resource ${param}; the registered URI is ${closest.uri}. Make the client send ${closest.uri} (it takes the value from the MCP server's Protected Resource Metadata "resource"), or change the registered URI: \`authserver admin resource update ${closest.slug} --uri ${param}\``,
  };
}
