/**
 * The MCP protocol revisions AuthPlane's MCP-side tools speak (`--protocol` of example-server,
 * demo, doctor and connect). 2026-07-28 is stateless Streamable HTTP (no initialize, no
 * Mcp-Session-Id, Mcp-Method headers; SDK v2); 2025-11-25 is the session-based one (SDK 1.x).
 */
import { z } from 'zod';

export const MCP_PROTOCOLS = ['2026-07-28', '2025-11-25'] as const;
export const McpProtocol = z.enum(MCP_PROTOCOLS, { error: `expected one of ${MCP_PROTOCOLS.join(', ')}` });
export type McpProtocol = z.infer<typeof McpProtocol>;
export const DEFAULT_MCP_PROTOCOL: McpProtocol = '2026-07-28';
