/**
 * Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document): a client_id that
 * is an https URL (or a loopback http URL, for local testing) names a JSON document describing
 * the client. Fetching a URL the attacker chose is an SSRF vector, so: https only (loopback http
 * by config), the name resolved once and the connection made to the address that was checked
 * (special-purpose addresses refused for non-loopback names), no redirects, no compression, one
 * 5 s deadline for headers and body, 64 KB cap, and the document's client_id must equal the URL.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import type { Client } from '../contracts';
import { ApplicationType, RedirectUri, applicationTypeProblem, inferApplicationType } from '../contracts';
import type { Services } from '../domain/services';
import { PageError } from '../errors';
import { iso } from '../clock';
import { toView } from '../domain/clients';
import { isLoopbackAddress, isSpecialPurposeAddress } from '../net/addresses';
import { BoundedFetchError, boundedFetch } from '../net/boundedFetch';
import { pinnedFetch } from '../net/pinnedFetch';
import { systemResolve, type Resolve } from '../net/resolve';

const CACHE_MS = 5 * 60_000;
const MAX_BYTES = 64 * 1024;
const TIMEOUT_MS = 5000;

export function isCimdClientId(clientId: string): boolean {
  if (!/^https?:\/\//i.test(clientId)) return false;
  try {
    const u = new URL(clientId);
    return u.pathname !== '/' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

const CimdDocument = z.object({
  client_id: z.string(),
  client_name: z.string().min(1).max(255).optional(),
  redirect_uris: z.array(RedirectUri).min(1).max(20),
  grant_types: z.array(z.string()).optional(),
  token_endpoint_auth_method: z.string().optional(),
  application_type: ApplicationType.optional(),
  client_uri: z.string().optional(),
  logo_uri: z.string().optional(),
});

const TITLE = 'Invalid Client Metadata Document';
const fail = (msg: string) => new PageError('invalid_client', TITLE, msg);

/**
 * The document could not be reached at all: most often this machine is offline (Claude Code's
 * default client_id is a document on claude.ai). The page says the two ways that need no internet.
 */
export const CIMD_OFFLINE_HINT = [
  'Without internet access the metadata document cannot be fetched. Two ways work offline:',
  '1. Let the client register itself: restart AuthPlane with `authserver serve --no-cimd` (or `no-cimd: true` in the `--config` file). Its metadata then stops advertising Client ID Metadata Documents, and the client falls back to dynamic registration (remove and add the MCP server in the client again so it rediscovers).',
  '2. Pre-register the client and give it that id: `authserver admin client create --name "Claude Code" --client-id demo-agent --redirect-uris http://localhost:PORT/callback`, then `claude mcp add --transport http --client-id demo-agent --callback-port PORT NAME URL` (the same PORT in both).',
].join('\n');
const unreachable = (msg: string) => new PageError('invalid_client', TITLE, msg, 400, CIMD_OFFLINE_HINT);

function checkScheme(s: Services, url: URL, clientId: string): void {
  const { cimdAllowLoopback, strict } = s.deps.config;
  // Loopback http is Desktop's leniency for documents served by a local dev client; strict is the product's https only.
  if (url.protocol === 'http:' && !(LOOPBACK.has(url.hostname) && cimdAllowLoopback && !strict)) {
    throw fail(`client_id "${clientId}" is an http URL; Client ID Metadata Documents must be served over https${strict ? ' (strict mode)' : ' (http is accepted only on loopback hosts)'}`);
  }
}

/** A resolver that never answers must not hold /oauth/authorize open: same 5 s as the fetch. */
async function resolveWithin(resolve: Resolve, host: string, clientId: string): Promise<string[]> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(unreachable(`client_id "${clientId}": the host ${host} did not resolve within ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS);
  });
  try {
    return await Promise.race([resolve(host).catch(() => []), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The one address the document is fetched from. Every address the name has must pass (a name
 * with one private address among public ones is refused): loopback names must stay on loopback,
 * any other name must avoid every special-purpose range.
 */
async function checkedAddress(s: Services, url: URL, clientId: string): Promise<string> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const resolve = s.deps.resolve ?? systemResolve;
  const addrs = isIP(host) ? [host] : await resolveWithin(resolve, host, clientId);
  if (addrs.length === 0) throw unreachable(`client_id "${clientId}": the host ${url.hostname} does not resolve`);
  if (LOOPBACK.has(url.hostname)) {
    const outside = addrs.find((a) => !isLoopbackAddress(a));
    if (outside) throw fail(`client_id "${clientId}": ${url.hostname} resolves to ${outside}, which is not a loopback address; refusing to fetch it (SSRF protection)`);
  } else {
    const bad = addrs.find(isSpecialPurposeAddress);
    if (bad) throw fail(`client_id "${clientId}" resolves to ${bad}, a private or special-purpose address; refusing to fetch it (SSRF protection)`);
  }
  return addrs[0]!;
}

/** One fetch of a metadata document as the flow timeline shows it (a step of the authorization). */
export interface CimdFetch {
  url: string;
  /** Epoch ms when the fetch started. */
  at: number;
  duration_ms: number;
  /** The request headers this server sent (boundedFetch's). */
  requestHeaders: Array<[string, string]>;
  response?: { status: number; headers: Array<[string, string]>; text: string };
  /** Why the fetch failed, when it did (the response may still be there: a 404, a bad document). */
  error?: string;
}

const CIMD_REQUEST_HEADERS: Array<[string, string]> = [
  ['accept', 'application/json'],
  ['accept-encoding', 'identity'],
];

async function fetchDocument(clientId: string, address: string, seen: CimdFetch): Promise<string> {
  try {
    const res = await boundedFetch(clientId, { fetch: pinnedFetch(address), maxBytes: MAX_BYTES, timeoutMs: TIMEOUT_MS, redirect: 'error', identityOnly: true });
    seen.response = { status: res.status, headers: [...res.headers], text: res.text };
    if (res.status < 200 || res.status > 299) throw fail(`fetching the client metadata document ${clientId} returned HTTP ${res.status}`);
    return res.text;
  } catch (e) {
    if (e instanceof BoundedFetchError) {
      const msg = `the client metadata document ${clientId} ${e.detail}`;
      throw e.kind === 'network' || e.kind === 'timeout' ? unreachable(msg) : fail(msg);
    }
    throw e;
  }
}

function parseDocument(clientId: string, text: string): z.infer<typeof CimdDocument> {
  let doc: z.infer<typeof CimdDocument>;
  try {
    const parsed = CimdDocument.safeParse(JSON.parse(text));
    if (!parsed.success) throw fail(`the client metadata document ${clientId} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    doc = parsed.data;
  } catch (e) {
    if (e instanceof PageError) throw e;
    throw fail(`the client metadata document ${clientId} is not valid JSON`);
  }
  if (doc.client_id !== clientId) throw fail(`the client metadata document's client_id "${doc.client_id}" does not equal its URL "${clientId}"`);
  const typeProblem = doc.application_type && applicationTypeProblem(doc.application_type, doc.redirect_uris);
  if (typeProblem) throw fail(`the client metadata document ${clientId} is invalid: ${typeProblem}`);
  return doc;
}

/** Fetched and checked; `observe` sees the exchange and, when the document is refused, why. */
async function loadDocument(s: Services, clientId: string, address: string, observe?: (f: CimdFetch) => void): Promise<z.infer<typeof CimdDocument>> {
  const start = performance.now();
  const seen: CimdFetch = { url: clientId, at: s.deps.clock.now(), duration_ms: 0, requestHeaders: CIMD_REQUEST_HEADERS };
  try {
    return parseDocument(clientId, await fetchDocument(clientId, address, seen));
  } catch (e) {
    seen.error = (e as Error)?.message ?? String(e);
    throw e;
  } finally {
    seen.duration_ms = Math.round((performance.now() - start) * 100) / 100;
    observe?.(seen);
  }
}

/** `observe` sees the document fetch, when one is made (not for a cached client). */
export async function resolveCimdClient(s: Services, clientId: string, observe?: (f: CimdFetch) => void): Promise<Client> {
  const existing = s.clients.get(clientId);
  if (existing && existing.registration_source === 'cimd' && Date.parse(existing.updated_at) + CACHE_MS > s.deps.clock.now()) return existing;
  const url = new URL(clientId);
  checkScheme(s, url, clientId);
  const address = await checkedAddress(s, url, clientId);
  const doc = await loadDocument(s, clientId, address, observe);
  const now = iso(s.deps.clock.now());
  const row: Client = {
    client_id: clientId,
    client_name: doc.client_name ?? url.hostname,
    redirect_uris: doc.redirect_uris,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    scope: [],
    status: 'active',
    registration_source: 'cimd',
    cimd_url: clientId,
    application_type: doc.application_type ?? inferApplicationType(doc.redirect_uris),
    created_at: existing?.created_at ?? now,
    updated_at: now,
  };
  await s.deps.store.clients.put(clientId, row);
  if (!existing) s.deps.events.emit('client.created', { client: toView(row) });
  return row;
}
