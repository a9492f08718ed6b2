/**
 * Per-tool scopes as an HTTP middleware. A tool result cannot change the HTTP status, and MCP
 * clients only step up (re-authorize with more scopes) on an HTTP 403 `insufficient_scope`
 * challenge, so the JSON-RPC body is peeked here, before the transport runs.
 */
import type { RequestHandler } from 'express';
import { challengeResponse, InsufficientScopeError, type RequestAuth } from '../../server/sdk';

export function toolScopeGate(toolScopes: Readonly<Record<string, readonly string[]>>, resourceMetadataUrl: string): RequestHandler {
  return (req, res, next) => {
    const granted = (req as { auth?: RequestAuth }).auth?.scopes ?? [];
    // A JSON-RPC batch is an array; any one call needing a missing scope fails the request.
    const messages: unknown[] = Array.isArray(req.body) ? req.body : [req.body];
    const required = new Set<string>();
    for (const m of messages) {
      const name = toolName(m);
      if (name !== undefined) for (const s of toolScopes[name] ?? []) required.add(s);
    }
    const needed = [...required];
    if (needed.every((s) => granted.includes(s))) return next();
    const { status, headers, body } = challengeResponse(new InsufficientScopeError(needed, granted), { resourceMetadataUrl });
    res.status(status).set(headers).json(body);
  };
}

function toolName(message: unknown): string | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const { method, params } = message as { method?: unknown; params?: { name?: unknown } };
  return method === 'tools/call' && typeof params?.name === 'string' ? params.name : undefined;
}
