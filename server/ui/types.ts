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
