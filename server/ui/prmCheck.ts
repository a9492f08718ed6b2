/**
 * "Check my MCP server": fetch the Protected Resource Metadata a resource's MCP server
 * publishes and compare it with what AuthPlane expects, byte for byte where clients compare
 * byte for byte (`resource`, `authorization_servers`). Runs on the server: a browser fetching
 * the MCP server's metadata would be stopped by CORS more often than not.
 */
import type { Resource } from '../contracts';
import { protectedResourceMetadata, prmPath, prmUrl } from '../sdk/prm';
import type { PrmCheckItem, PrmCheckResult, PrmExpectation } from './types';
import { BoundedFetchError, boundedFetch, type BoundedResponse } from '../net/boundedFetch';

const MAX_BODY = 64 * 1024;
const TIMEOUT_MS = 5000;

export function expectedPrm(r: Resource, issuer: string): PrmExpectation {
  const document = protectedResourceMetadata({ resource: r.uri, issuer, scopes: r.scopes.map((s) => s.name), resourceName: r.display_name }) as unknown as Record<string, unknown>;
  return { resource: r.slug, prm_url: prmUrl(r.uri), document, text: JSON.stringify(document, null, 2) };
}

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? 'nothing');

/** Compares a fetched PRM body with the expectation. Pure: unit-tested. */
export function comparePrm(expected: PrmExpectation, body: string, issuer: string): PrmCheckItem[] {
  const checks: PrmCheckItem[] = [];
  let doc: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(body);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    doc = parsed as Record<string, unknown>;
    checks.push({ id: 'json', ok: true, severity: 'info', title: 'Valid JSON object', detail: 'The document parses as a JSON object.' });
  } catch {
    checks.push({ id: 'json', ok: false, severity: 'error', title: 'Not a JSON object', detail: 'MCP clients parse this document as JSON; it must be one JSON object.', actual: body.slice(0, 200) });
    return checks;
  }
  const want = expected.document.resource as string;
  const got = doc.resource;
  if (got === want) {
    checks.push({ id: 'resource', ok: true, severity: 'info', title: '`resource` matches byte for byte', detail: `It equals the registered URI, so tokens minted for it carry aud ${show(want)}.`, expected: want, actual: want });
  } else {
    checks.push({
      id: 'resource',
      ok: false,
      severity: 'error',
      title: '`resource` differs from the registered URI',
      detail:
        typeof got === 'string'
          ? 'Clients send this value as the `resource` parameter and the token\'s `aud` will not match what the server expects. Make both identical, character for character (trailing slash included).'
          : 'The document has no `resource` string; clients cannot know which resource to ask a token for.',
      expected: want,
      actual: typeof got === 'string' ? got : show(got),
    });
  }
  const servers = doc.authorization_servers;
  if (Array.isArray(servers) && servers.includes(issuer)) {
    checks.push({ id: 'authorization_servers', ok: true, severity: 'info', title: '`authorization_servers` lists this issuer', detail: `Clients discover AuthPlane at ${issuer}.`, expected: issuer, actual: issuer });
  } else {
    const near = Array.isArray(servers) ? servers.find((x) => typeof x === 'string' && x.replace(/\/+$/, '') === issuer) : undefined;
    checks.push({
      id: 'authorization_servers',
      ok: false,
      severity: 'error',
      title: '`authorization_servers` does not list this issuer',
      detail: near
        ? 'An entry differs only by a trailing slash; clients compare the issuer byte for byte and will reject the metadata.'
        : 'Clients will look for a different authorization server.',
      expected: JSON.stringify([issuer]),
      actual: show(servers),
    });
  }
  const wantScopes = (expected.document.scopes_supported as string[]) ?? [];
  const gotScopes = doc.scopes_supported;
  if (gotScopes === undefined) {
    checks.push({ id: 'scopes_supported', ok: wantScopes.length === 0, severity: wantScopes.length ? 'warning' : 'info', title: wantScopes.length ? '`scopes_supported` is missing' : 'No scopes', detail: wantScopes.length ? 'Clients then request no scope (or guess); list the resource\'s scopes.' : 'The resource defines no scopes.', expected: JSON.stringify(wantScopes) });
  } else if (!Array.isArray(gotScopes) || gotScopes.some((x) => typeof x !== 'string')) {
    checks.push({ id: 'scopes_supported', ok: false, severity: 'error', title: '`scopes_supported` is not a list of strings', detail: 'It must be a JSON array of scope names.', expected: JSON.stringify(wantScopes), actual: show(gotScopes) });
  } else {
    const unknown = (gotScopes as string[]).filter((x) => !wantScopes.includes(x));
    const missing = wantScopes.filter((x) => !(gotScopes as string[]).includes(x));
    const ok = unknown.length === 0 && missing.length === 0;
    checks.push({
      id: 'scopes_supported',
      ok,
      severity: ok ? 'info' : unknown.length ? 'error' : 'warning',
      title: ok ? '`scopes_supported` matches the catalog' : '`scopes_supported` differs from the catalog',
      detail: ok
        ? 'Every scope is one AuthPlane knows for this resource.'
        : [unknown.length ? `AuthPlane will refuse ${unknown.map((x) => `"${x}"`).join(', ')} (not in the resource's catalog).` : '', missing.length ? `Not advertised: ${missing.map((x) => `"${x}"`).join(', ')}.` : ''].filter(Boolean).join(' '),
      expected: JSON.stringify(wantScopes),
      actual: JSON.stringify(gotScopes),
    });
  }
  const bearer = doc.bearer_methods_supported;
  if (bearer !== undefined && !(Array.isArray(bearer) && bearer.includes('header'))) {
    checks.push({ id: 'bearer_methods', ok: false, severity: 'warning', title: '`bearer_methods_supported` lacks "header"', detail: 'MCP clients send the token in the Authorization header.', expected: '["header"]', actual: show(bearer) });
  }
  return checks;
}

/** Bounded: an MCP server that answers with an endless or compressed body cannot stall or balloon AuthPlane. */
function get(url: string, init: { method?: string; headers?: Record<string, string>; body?: string; discardBody?: boolean } = {}): Promise<BoundedResponse> {
  return boundedFetch(url, { ...init, headers: { 'user-agent': 'AuthPlane-PRM-check', ...init.headers }, maxBytes: MAX_BODY, timeoutMs: TIMEOUT_MS });
}

/** Ends a detail with a full stop, unless it already ends as a sentence does ("…running?"). */
const sentence = (text: string): string => (/[.?!]$/.test(text) ? text : `${text}.`);

function describeError(e: unknown): string {
  if (e instanceof BoundedFetchError && e.kind === 'timeout') return `no answer within ${TIMEOUT_MS / 1000} s`;
  if (e instanceof BoundedFetchError && e.kind === 'too_large') return `the document is larger than the ${MAX_BODY / 1024} KB limit`;
  const err = (e instanceof BoundedFetchError ? e.cause : e) as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = err?.cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused: is your MCP server running?';
  if (code === 'ENOTFOUND') return 'host not found';
  return err?.cause?.message ?? err?.message ?? String(e);
}

export async function checkPrm(r: Resource, issuer: string): Promise<PrmCheckResult> {
  const expected = expectedPrm(r, issuer);
  const urls = [expected.prm_url];
  const rootUrl = `${new URL(r.uri).origin}/.well-known/oauth-protected-resource`;
  if (prmPath(r.uri) !== '/.well-known/oauth-protected-resource') urls.push(rootUrl);
  const tried: PrmCheckResult['tried'] = [];
  const checks: PrmCheckItem[] = [];
  let body: string | undefined;
  let contentType: string | undefined;
  for (const url of urls) {
    try {
      const res = await get(url);
      tried.push({ url, status: res.status });
      if (res.status >= 300 && res.status < 400) {
        checks.push({ id: 'reachable', ok: false, severity: 'warning', title: `${url} redirects`, detail: `It answered ${res.status} to ${res.headers.get('location') ?? '(no Location)'}; serve the document at this exact URL.` });
        continue;
      }
      if (res.status >= 200 && res.status < 300) {
        body = res.text;
        contentType = res.headers.get('content-type') ?? undefined;
        break;
      }
    } catch (e) {
      tried.push({ url, error: describeError(e) });
      break; // The host is down: the fallback URL on the same origin would fail the same way.
    }
  }
  if (body === undefined) {
    const last = tried[tried.length - 1];
    checks.push({
      id: 'reachable',
      ok: false,
      severity: 'error',
      title: 'No Protected Resource Metadata found',
      detail: last?.error ? sentence(`${expected.prm_url}: ${last.error}`) : `Clients fetch ${expected.prm_url} (then ${rootUrl}); ${tried.map((t) => `${t.url} answered ${t.status}`).join(', ')}. Publish the document below at ${expected.prm_url}.`,
      expected: expected.prm_url,
    });
    return { resource: r.slug, expected, tried, checks, ok: false };
  }
  const found = tried[tried.length - 1]!.url;
  checks.push({
    id: 'reachable',
    ok: true,
    severity: found === expected.prm_url ? 'info' : 'warning',
    title: found === expected.prm_url ? 'Published at the expected URL' : 'Found only at the root well-known URL',
    detail: found === expected.prm_url ? `${found} answered 200${contentType ? ` (${contentType})` : ''}.` : `${expected.prm_url} is missing; clients that do not fall back to ${found} will fail.`,
  });
  checks.push(...comparePrm(expected, body, issuer));

  // An unauthenticated MCP request must be challenged with a pointer to the metadata.
  try {
    const res = await get(r.uri, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }), discardBody: true });
    const www = res.headers.get('www-authenticate') ?? '';
    const ok = res.status === 401 && /^Bearer\b/i.test(www) && www.includes('resource_metadata=');
    checks.push({
      id: 'challenge',
      ok,
      severity: ok ? 'info' : 'warning',
      title: ok ? 'Unauthenticated requests get a Bearer challenge' : 'No proper 401 challenge without a token',
      detail: ok
        ? `POST ${r.uri} without a token answered 401 with WWW-Authenticate: ${www}`
        : `POST ${r.uri} without a token answered ${res.status}${www ? ` with WWW-Authenticate: ${www}` : ' without WWW-Authenticate'}; MCP clients start discovery from a 401 whose Bearer challenge carries resource_metadata="${expected.prm_url}".`,
      expected: `401, WWW-Authenticate: Bearer resource_metadata="${expected.prm_url}"`,
      actual: `${res.status}${www ? `, WWW-Authenticate: ${www}` : ''}`,
    });
  } catch (e) {
    checks.push({ id: 'challenge', ok: false, severity: 'warning', title: 'The MCP endpoint did not answer', detail: sentence(`POST ${r.uri}: ${describeError(e)}`) });
  }
  return { resource: r.slug, expected, tried, body, content_type: contentType, checks, ok: checks.every((c) => c.ok || c.severity !== 'error') };
}
