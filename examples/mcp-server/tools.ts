/**
 * The example's MCP tools, defined once and registered on either SDK generation (sdk1.ts for
 * 2025-11-25, sdk2.ts for 2026-07-28). A fresh server is built per request (stateless), so the
 * notes live outside it. Scope checks for read_note/write_note happen at the HTTP layer (see
 * scope-gate.ts); the checks here are a second line of defence.
 */
import { z } from 'zod';

/** Which scope each tool needs; the HTTP gate and the handlers both read this. */
export const TOOL_SCOPES: Readonly<Record<string, readonly string[]>> = {
  read_note: ['read'],
  write_note: ['write'],
};

export type NoteStore = Map<string, string>;

/** The part of an SDK AuthInfo (either generation) the tools read. */
export interface ToolAuth {
  clientId: string;
  scopes: string[];
  expiresAt?: number;
  extra?: Record<string, unknown>;
}

// The index signature makes it assignable to both SDKs' CallToolResult.
export interface TextResult {
  [key: string]: unknown;
  content: { type: 'text'; text: string }[];
  isError?: boolean;
}

export interface ToolDefinition {
  name: string;
  description: string;
  inputSchema: z.ZodObject;
  run(args: Record<string, unknown>, auth: ToolAuth | undefined): TextResult;
}

export const SERVER_INFO = { name: 'authplane-example-notes', version: '0.1.0' };

export function toolDefinitions(notes: NoteStore, resource: string): ToolDefinition[] {
  return [
    {
      name: 'whoami',
      description: 'Show who the access token belongs to: subject, client, scopes, audience, expiry.',
      inputSchema: z.object({}),
      run: (_args, auth) => text(whoami(auth, resource)),
    },
    {
      name: 'read_note',
      description: 'Read a note (needs scope "read").',
      inputSchema: z.object({ name: z.string().default('default') }),
      run: (args, auth) => lacks(auth, 'read_note') ?? text(notes.get(String(args.name)) ?? `(no note named "${String(args.name)}")`),
    },
    {
      name: 'write_note',
      description: 'Write a note (needs scope "write").',
      inputSchema: z.object({ name: z.string().default('default'), text: z.string() }),
      run: (args, auth) => {
        const denied = lacks(auth, 'write_note');
        if (denied) return denied;
        const body = String(args.text);
        notes.set(String(args.name), body);
        return text(`saved note "${String(args.name)}" (${body.length} chars)`);
      },
    },
  ];
}

function whoami(auth: ToolAuth | undefined, resource: string) {
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

function lacks(auth: ToolAuth | undefined, tool: string): TextResult | undefined {
  const missing = (TOOL_SCOPES[tool] ?? []).filter((s) => !auth?.scopes.includes(s));
  return missing.length ? { ...text(`missing scope: ${missing.join(' ')}`), isError: true } : undefined;
}

function text(t: string): TextResult {
  return { content: [{ type: 'text', text: t }] };
}
