/**
 * The doctor's HTTP plumbing: fetch with a timeout and a bounded body, network errors turned
 * into one sentence, a `WWW-Authenticate` parser, and each round trip recorded (masked) for the
 * step that made it. Built on fetch and URL.
 */
import type { McpProtocol } from '../contracts/mcpProtocol';
import { BoundedFetchError, boundedFetch, type BoundedResponse, type FetchLike } from '../net/boundedFetch';
import { recordExchange, type RecordedExchange } from './exchange';

export type DoctorFetch = FetchLike;

export const TIMEOUT_MS = 8000;
const MAX_BODY = 256 * 1024;

export interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body, when the body is JSON. */
  json?: unknown;
}

export interface DoctorRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

/** A request that failed before any HTTP status (refused, reset, timed out). */
export class NetworkError extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`cannot reach ${url}: ${reason}`);
    this.name = 'NetworkError';
  }
}

function reasonOf(err: unknown): string {
  if (err instanceof BoundedFetchError && err.kind === 'timeout') return `no answer within ${TIMEOUT_MS / 1000} s`;
  const e = (err instanceof BoundedFetchError ? err.cause : err) as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e?.cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused (is it running, on this port?)';
  if (code === 'ENOTFOUND') return 'the host name does not resolve';
  if (code) return code;
  return e?.cause?.message ?? e?.message ?? String(err);
}

/** Told of each round trip that got an answer, masked (the step shows it in the timeline). */
export type ExchangeSink = (e: RecordedExchange) => void;

/**
 * One bounded round trip. The body is diagnostic material: past the cap, or when it breaks off
 * or outlasts the deadline, the doctor keeps what arrived (status and headers say what it needs).
 */
export async function request(fetchFn: DoctorFetch, url: string, init: DoctorRequest = {}, onExchange?: ExchangeSink): Promise<HttpResult> {
  let res: BoundedResponse;
  try {
    res = await boundedFetch(url, { ...init, fetch: fetchFn, maxBytes: MAX_BODY, timeoutMs: TIMEOUT_MS, overflow: 'truncate' });
  } catch (err) {
    throw new NetworkError(url, reasonOf(err));
  }
  let json: unknown;
  const type = res.headers.get('content-type') ?? '';
  if (/json/i.test(type) || /^\s*[[{]/.test(res.text)) {
    try {
      json = JSON.parse(res.text);
    } catch {
      json = undefined;
    }
  }
  onExchange?.(recordExchange({ method: init.method ?? 'GET', url, headers: init.headers ?? {}, body: init.body }, res));
  return { status: res.status, headers: res.headers, text: res.text, json };
}

export interface BearerChallenge {
  /** The whole header value, for messages. */
  raw: string;
  /** Parameters of the Bearer challenge, lower-cased names. */
  params: Record<string, string>;
}

/**
 * The Bearer challenge of a `WWW-Authenticate` value (RFC 7235 §4.1, RFC 6750 §3). Other
 * schemes in the same header are skipped; undefined when there is no Bearer challenge.
 */
export function parseBearerChallenge(header: string | null): BearerChallenge | undefined {
  if (!header) return undefined;
  const m = /(?:^|,)\s*Bearer(?=\s|,|$)/i.exec(header);
  if (!m) return undefined;
  const rest = header.slice(m.index + m[0].length);
  const params: Record<string, string> = {};
  const re = /\s*,?\s*([A-Za-z0-9_!#$%&'*+.^`|~-]+)\s*(=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,"]*)))?/y;
  let pos = 0;
  while (pos < rest.length) {
    re.lastIndex = pos;
    const p = re.exec(rest);
    if (!p || p[0].length === 0) break;
    // A name without "=" starts the next challenge (another scheme): stop.
    if (p[2] === undefined) break;
    params[p[1]!.toLowerCase()] = p[3] !== undefined ? p[3].replace(/\\(.)/g, '$1') : (p[4] ?? '');
    pos = re.lastIndex;
  }
  return { raw: header, params };
}

export const MCP_ACCEPT = 'application/json, text/event-stream';

/** The JSON-RPC message of an MCP answer, sent as JSON or as the SSE event carrying it. */
export function rpcMessage(r: HttpResult): unknown {
  if (r.json !== undefined) return r.json;
  const data = r.text
    .split('\n')
    .filter((l) => l.startsWith('data:'))
    .map((l) => l.slice(5).trim())
    .join('');
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}

/** The request each revision's clients open with. */
export function openingMethod(protocol: McpProtocol): 'server/discover' | 'initialize' {
  return protocol === '2026-07-28' ? 'server/discover' : 'initialize';
}

/**
 * The first request of a 2026-07-28 client: `server/discover`, stateless, with the revision in
 * the MCP-Protocol-Version header and `_meta`, and the method in Mcp-Method.
 */
export function discoverRequest(version: string): { headers: Record<string, string>; body: string } {
  return {
    headers: { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'server/discover' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'server/discover',
      params: {
        _meta: {
          'io.modelcontextprotocol/protocolVersion': '2026-07-28',
          'io.modelcontextprotocol/clientInfo': { name: 'authplane-doctor', version },
          'io.modelcontextprotocol/clientCapabilities': {},
        },
      },
    }),
  };
}

/** The first message every 2025-era MCP client sends. */
export function initializeBody(version: string): string {
  return JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'authplane-doctor', version } },
  });
}

/** Decodes a JWT payload without verifying it (the doctor only reports what it was given). */
export function jwtPayload(jwt: string): Record<string, unknown> | undefined {
  const part = jwt.split('.')[1];
  if (!part) return undefined;
  try {
    const b64 = part.replace(/-/g, '+').replace(/_/g, '/');
    const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
    const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function b64url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** PKCE S256 pair and a state, from Web Crypto. */
export async function pkce(): Promise<{ verifier: string; challenge: string; state: string }> {
  const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  return { verifier, challenge: b64url(digest), state: b64url(crypto.getRandomValues(new Uint8Array(16))) };
}
