/**
 * Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document): a client_id that
 * is an https URL (or a loopback http URL, for local testing) names a JSON document describing
 * the client. Fetching a URL the attacker chose is an SSRF vector, so: https only (loopback http
 * by config), no redirects, 5 s timeout, 64 KB cap, private/link-local addresses refused for
 * non-loopback names, and the document's client_id must equal the URL exactly.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { z } from 'zod';
import type { Client } from '../contracts';
import { RedirectUri } from '../contracts';
import type { Services } from '../domain/services';
import { PageError } from '../errors';
import { iso } from '../clock';
import { toView } from '../domain/clients';

const CACHE_MS = 5 * 60_000;
const MAX_BYTES = 64 * 1024;

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

function privateAddress(ip: string): boolean {
  if (isIP(ip) === 4) {
    const [a, b] = ip.split('.').map(Number) as [number, number];
    return a === 10 || a === 127 || a === 0 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
  }
  const l = ip.toLowerCase();
  return l === '::1' || l === '::' || l.startsWith('fc') || l.startsWith('fd') || l.startsWith('fe80') || l.startsWith('::ffff:');
}

const CimdDocument = z.object({
  client_id: z.string(),
  client_name: z.string().min(1).max(255).optional(),
  redirect_uris: z.array(RedirectUri).min(1).max(20),
  grant_types: z.array(z.string()).optional(),
  token_endpoint_auth_method: z.string().optional(),
  client_uri: z.string().optional(),
  logo_uri: z.string().optional(),
});

const fail = (msg: string) => new PageError('invalid_client', 'Invalid Client Metadata Document', msg);

export async function resolveCimdClient(s: Services, clientId: string): Promise<Client> {
  const existing = s.clients.get(clientId);
  if (existing && existing.registration_source === 'cimd' && Date.parse(existing.updated_at) + CACHE_MS > s.deps.clock.now()) return existing;
  const url = new URL(clientId);
  const loopback = LOOPBACK.has(url.hostname);
  if (url.protocol === 'http:' && !(loopback && s.deps.config.cimdAllowLoopback)) {
    throw fail(`client_id "${clientId}" is an http URL; Client ID Metadata Documents must be served over https (http is accepted only on loopback hosts)`);
  }
  if (!loopback) {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const addrs = isIP(host) ? [host] : (await lookup(host, { all: true }).catch(() => [])).map((a) => a.address);
    if (addrs.length === 0) throw fail(`client_id "${clientId}": the host ${url.hostname} does not resolve`);
    if (addrs.some(privateAddress)) throw fail(`client_id "${clientId}" resolves to a private address; refusing to fetch it (SSRF protection)`);
  }
  let text: string;
  try {
    const res = await fetch(clientId, { redirect: 'error', signal: AbortSignal.timeout(5000), headers: { accept: 'application/json' } });
    if (!res.ok) throw fail(`fetching the client metadata document ${clientId} returned HTTP ${res.status}`);
    const buf = await res.arrayBuffer();
    if (buf.byteLength > MAX_BYTES) throw fail(`the client metadata document ${clientId} is larger than 64 KB`);
    text = new TextDecoder().decode(buf);
  } catch (e) {
    if (e instanceof PageError) throw e;
    throw fail(`could not fetch the client metadata document ${clientId}: ${(e as Error).message}`);
  }
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
    created_at: existing?.created_at ?? now,
    updated_at: now,
  };
  await s.deps.store.clients.put(clientId, row);
  if (!existing) s.deps.events.emit('client.created', { client: toView(row) });
  return row;
}
