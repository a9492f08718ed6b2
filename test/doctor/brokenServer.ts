/**
 * A tiny MCP-ish server for doctor tests: it answers `server/discover` and `initialize` and protects itself with
 * AuthPlane tokens, except in the ways a `Breakage` tells it to get wrong. Signatures are
 * always checked (jose against AuthPlane's JWKS); the claims checks are done by hand so each
 * can be switched off.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { compactVerify, createRemoteJWKSet } from 'jose';
import { audiences } from '../../server/contracts/common';

export interface Breakage {
  /** Serve MCP without any token check. */
  noAuth?: boolean;
  /** 401 without a WWW-Authenticate header. */
  noChallenge?: boolean;
  /** `Bearer` challenge without resource_metadata. */
  noResourceMetadata?: boolean;
  /** No PRM document (404). */
  noPrm?: boolean;
  /** The PRM's `resource` (and the aud this server expects), from the endpoint URL. */
  prmResource?: (endpoint: string) => string;
  /** The PRM's `authorization_servers`, from the issuer. */
  authorizationServers?: (issuer: string) => string[];
  scopes?: string[];
  /** Accept tokens whatever their aud. */
  skipAudience?: boolean;
  /** Accept expired tokens. */
  skipExpiry?: boolean;
  /** Refuse bad tokens with 403 instead of 401. */
  forbidInsteadOf401?: boolean;
  /** Serve this revision's opening request (2025 initialize) without any token check. */
  openRevision?: '2025-11-25';
}

export interface BrokenServer {
  url: string;
  origin: string;
  close(): Promise<void>;
}

export async function startBrokenServer(issuer: string, b: Breakage = {}): Promise<BrokenServer> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const url = `${origin}/mcp`;
  const resource = b.prmResource?.(url) ?? url;
  const prmUrl = `${origin}/.well-known/oauth-protected-resource/mcp`;
  const jwks = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const deny = (res: ServerResponse, error: string | undefined, description: string) => {
    const params = [...(error ? [`error="${error}"`, `error_description="${description}"`] : []), ...(b.noResourceMetadata ? [] : [`resource_metadata="${prmUrl}"`])];
    const headers: Record<string, string> = b.noChallenge ? {} : { 'www-authenticate': params.length ? `Bearer ${params.join(', ')}` : 'Bearer' };
    json(res, error && b.forbidInsteadOf401 ? 403 : 401, { error: error ?? 'invalid_token', error_description: description }, headers);
  };

  async function check(token: string): Promise<string | undefined> {
    let payload: Record<string, unknown>;
    try {
      const v = await compactVerify(token, jwks);
      payload = JSON.parse(new TextDecoder().decode(v.payload));
    } catch (e) {
      return `bad signature: ${(e as Error).message}`;
    }
    if (payload.iss !== issuer) return 'wrong issuer';
    if (!b.skipAudience && !audiences(payload.aud).includes(resource)) return `aud ${String(payload.aud)} is not ${resource}`;
    if (!b.skipExpiry && typeof payload.exp === 'number' && payload.exp * 1000 < Date.now()) return 'expired';
    return undefined;
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const path = new URL(req.url!, origin).pathname;
      if (req.method === 'GET' && path === '/.well-known/oauth-protected-resource/mcp') {
        if (b.noPrm) return json(res, 404, { error: 'not_found' });
        return json(res, 200, { resource, authorization_servers: b.authorizationServers?.(issuer) ?? [issuer], scopes_supported: b.scopes ?? ['read', 'write'] });
      }
      if (path !== '/mcp') return json(res, 404, { error: 'not_found' });
      const method = (JSON.parse(Buffer.concat(chunks).toString() || '{}') as { method?: string }).method;
      if (!b.noAuth && !(b.openRevision && method === 'initialize')) {
        const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
        if (!m) return deny(res, undefined, 'no token');
        const problem = await check(m[1]!);
        if (problem) return deny(res, 'invalid_token', problem);
      }
      const msg = JSON.parse(Buffer.concat(chunks).toString() || '{}') as { id?: number; method?: string };
      // Both revisions' opening requests: 2026-07-28 server/discover, 2025 initialize.
      const result =
        msg.method === 'server/discover'
          ? { supportedVersions: ['2026-07-28'], capabilities: {}, serverInfo: { name: 'broken-test-server', version: '0.0.1' } }
          : { protocolVersion: '2025-06-18', capabilities: {}, serverInfo: { name: 'broken-test-server', version: '0.0.1' } };
      json(res, 200, { jsonrpc: '2.0', id: msg.id ?? null, result });
    })().catch((e) => json(res, 500, { error: String(e) }));
  });

  return {
    url,
    origin,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
