/**
 * CORS for an MCP server. Browser-based MCP clients (MCP Inspector's direct mode, web agents)
 * fetch the PRM document and POST to the MCP endpoint from another origin. Both must answer the
 * preflight themselves: a preflight carries no Authorization header, so bearer auth placed
 * before CORS turns it into a 401 and the browser reports "blocked by CORS policy".
 *
 * `*` is safe here: the bearer token travels in a header the page set itself, never as a cookie
 * (`Access-Control-Allow-Credentials` is not sent), so another origin gains nothing it did not have.
 */

/** Request headers an MCP client sends (both protocol revisions). */
export const MCP_CORS_ALLOW_HEADERS: readonly string[] = Object.freeze([
  'Authorization',
  'Content-Type',
  'Accept',
  'MCP-Protocol-Version',
  'Mcp-Session-Id',
  'Mcp-Method',
  'Last-Event-ID',
]);

/** Response headers a browser client must read: the auth challenge and the session id. */
export const MCP_CORS_EXPOSE_HEADERS: readonly string[] = Object.freeze(['WWW-Authenticate', 'Mcp-Session-Id', 'MCP-Protocol-Version']);

/** Headers on every response of a CORS-enabled MCP endpoint (not only preflights). */
export const MCP_CORS_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': MCP_CORS_EXPOSE_HEADERS.join(', '),
});

/** The answer to `OPTIONS` on the MCP endpoint (status 204). */
export const MCP_PREFLIGHT_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  ...MCP_CORS_HEADERS,
  'Access-Control-Allow-Methods': 'GET, POST, DELETE, OPTIONS',
  'Access-Control-Allow-Headers': MCP_CORS_ALLOW_HEADERS.join(', '),
  'Access-Control-Max-Age': '86400',
});

/** The answer to `OPTIONS` on the PRM document (status 204). */
export const PRM_PREFLIGHT_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, OPTIONS',
  // Clients send MCP-Protocol-Version on discovery requests too.
  'Access-Control-Allow-Headers': MCP_CORS_ALLOW_HEADERS.join(', '),
  'Access-Control-Max-Age': '86400',
});

export const PREFLIGHT_STATUS = 204;
