/**
 * The MCP protocol revisions AuthPlane's MCP-side tools speak (`--protocol` of example-server,
 * demo, doctor and connect). 2026-07-28 is stateless Streamable HTTP (no initialize, no
 * Mcp-Session-Id, Mcp-Method headers; SDK v2); 2025-11-25 is the session-based one (SDK 1.x).
 * Zod-free, like duration.ts: the CLI parses `--protocol` while building its command tree, which
 * loads no zod (~50 ms of every command's start).
 */
export const MCP_PROTOCOLS = ['2026-07-28', '2025-11-25'] as const;
export type McpProtocol = (typeof MCP_PROTOCOLS)[number];
export const DEFAULT_MCP_PROTOCOL: McpProtocol = '2026-07-28';

export const isMcpProtocol = (v: string): v is McpProtocol => (MCP_PROTOCOLS as readonly string[]).includes(v);

/** What anything else is told (`--protocol`, the doctor request's `protocol`). */
export const NOT_A_PROTOCOL = `expected one of ${MCP_PROTOCOLS.join(', ')}`;
