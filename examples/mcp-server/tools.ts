/**
 * The example's MCP tools. A fresh McpServer is built per request (stateless transport), so the
 * notes live outside it. Scope checks for read_note/write_note happen at the HTTP layer (see
 * scope-gate.ts); the checks here are a second line of defence.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { z } from 'zod';

/** Which scope each tool needs; the HTTP gate and the handlers both read this. */
export const TOOL_SCOPES: Readonly<Record<string, readonly string[]>> = {
  read_note: ['read'],
  write_note: ['write'],
};

export type NoteStore = Map<string, string>;

export function buildMcpServer(notes: NoteStore, resource: string): McpServer {
  const server = new McpServer({ name: 'authplane-example-notes', version: '0.1.0' });

  server.registerTool(
    'whoami',
    { description: 'Show who the access token belongs to: subject, client, scopes, audience, expiry.' },
    async (extra) => text(whoami(extra.authInfo, resource)),
  );

  server.registerTool(
    'read_note',
    { description: 'Read a note (needs scope "read").', inputSchema: { name: z.string().default('default') } },
    async ({ name }, extra) => {
      const denied = lacks(extra.authInfo, 'read_note');
      if (denied) return denied;
      return text(notes.get(name) ?? `(no note named "${name}")`);
    },
  );

  server.registerTool(
    'write_note',
    { description: 'Write a note (needs scope "write").', inputSchema: { name: z.string().default('default'), text: z.string() } },
    async ({ name, text: body }, extra) => {
      const denied = lacks(extra.authInfo, 'write_note');
      if (denied) return denied;
      notes.set(name, body);
      return text(`saved note "${name}" (${body.length} chars)`);
    },
  );
  return server;
}

function whoami(auth: AuthInfo | undefined, resource: string) {
  const extra = (auth?.extra ?? {}) as { sub?: string; act?: unknown; actors?: string[] };
  return JSON.stringify({
    subject: extra.sub ?? null,
    // On a token exchanged by a gateway (RFC 8693): who acts for the subject, outermost first.
    ...(extra.act ? { act: extra.act, actors: extra.actors ?? [] } : {}),
    client_id: auth?.clientId ?? null,
    scopes: auth?.scopes ?? [],
    aud: resource,
    expires_at: auth?.expiresAt ? new Date(auth.expiresAt * 1000).toISOString() : null,
  });
}

function lacks(auth: AuthInfo | undefined, tool: string) {
  const missing = (TOOL_SCOPES[tool] ?? []).filter((s) => !auth?.scopes.includes(s));
  return missing.length ? { ...text(`missing scope: ${missing.join(' ')}`), isError: true } : undefined;
}

function text(t: string) {
  return { content: [{ type: 'text' as const, text: t }] };
}
