/**
 * Wire types of the UI's own endpoints under /ui/api (browser-safe: types only). The admin
 * API's types live in server/contracts and server/admin/ops.ts.
 */

/** GET /ui/api/session: whether this browser is signed in (never any data). */
export interface UiSessionInfo {
  authenticated: boolean;
  /** How the request was authenticated. */
  via?: 'cookie' | 'bearer';
  issuer: string;
}

/** The RFC 9728 document a resource's MCP server must publish, as AuthPlane expects it. */
export interface PrmExpectation {
  resource: string;
  /** Where MCP clients look for it (path-aware well-known URL). */
  prm_url: string;
  document: Record<string, unknown>;
  /** `JSON.stringify(document, null, 2)`: ready to paste. */
  text: string;
}

export interface PrmCheckItem {
  id: 'reachable' | 'json' | 'resource' | 'authorization_servers' | 'scopes_supported' | 'bearer_methods' | 'challenge';
  ok: boolean;
  /** error: clients will fail; warning: some clients may; info: fine. */
  severity: 'error' | 'warning' | 'info';
  title: string;
  detail: string;
  expected?: string;
  actual?: string;
}

/** GET /ui/api/check-prm?resource=slug: what the MCP server actually publishes vs what it must. */
export interface PrmCheckResult {
  resource: string;
  expected: PrmExpectation;
  /** Every URL fetched, in order (the path-aware URL, then the root fallback clients also try). */
  tried: Array<{ url: string; status?: number; error?: string }>;
  /** The document found (raw text, at most 64 KB). */
  body?: string;
  content_type?: string;
  checks: PrmCheckItem[];
  ok: boolean;
}
