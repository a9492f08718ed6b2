/**
 * The flow timeline's side of the request recorder (activity.ts): the activity entry of a request
 * at an OAuth endpoint, plus the exchange itself (headers and bodies, capped), becomes a step,
 * handed to the FlowLog with what the server learned about it. Same hook, same moment as the
 * activity log (after the error handler rendered the answer), so the step shows exactly what
 * went back. The stored copy is the real exchange; masking happens when a flow is read.
 */
import type { ActivityEntry } from '../contracts';
import { FLOW_LIMITS, type FlowBody, type FlowEndpoint, type FlowHeader, type FlowStep } from '../contracts/flows';
import { iso } from '../clock';
import { randomId } from '../domain/crypto';
import { explain } from '../flows/explain';
import { stepFacts } from '../flows/facts';
import type { FlowLog } from '../flows/flowLog';
import { PATHS } from '../oauth/paths';
import type { CimdFetch } from '../oauth/cimd';
import type { HttpContext } from './context';

const ENDPOINTS = new Map<string, FlowEndpoint>([
  [PATHS.register, 'register'],
  [PATHS.authorize, 'authorize'],
  [PATHS.token, 'token'],
  [PATHS.revoke, 'revoke'],
  [PATHS.introspect, 'introspect'],
  [PATHS.jwks, 'jwks'],
  [PATHS.asMetadata, 'metadata'],
  [PATHS.oidcMetadata, 'metadata'],
  [PATHS.consent, 'consent'],
]);

/** Which endpoint a request hit, as the route table matches it (any case, an optional trailing "/"). */
export function flowEndpointOf(method: string, path: string): FlowEndpoint | undefined {
  const p = path.length > 1 && path.endsWith('/') ? path.slice(0, -1).toLowerCase() : path.toLowerCase();
  const e = ENDPOINTS.get(p);
  if (e === 'consent') return method === 'POST' ? 'decision' : method === 'GET' || method === 'HEAD' ? 'consent' : undefined;
  return e;
}

export function capBody(text: string, mime: string, cap = FLOW_LIMITS.bodyBytes): FlowBody {
  const size = Buffer.byteLength(text);
  if (size <= cap) return { mime_type: mime, text, size, truncated: false };
  return { mime_type: mime, text: Buffer.from(text).subarray(0, cap).toString('utf8'), size, truncated: true };
}

function requestHeaders(raw: string[]): FlowHeader[] {
  const out: FlowHeader[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push({ name: raw[i]!, value: raw[i + 1]! });
  return out;
}

function responseHeaders(h: Record<string, unknown>): FlowHeader[] {
  const out: FlowHeader[] = [];
  for (const name in h) {
    const v = h[name];
    if (Array.isArray(v)) for (const x of v) out.push({ name, value: String(x) });
    else if (v !== undefined) out.push({ name, value: String(v) });
  }
  return out;
}

function responseText(body: unknown): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (Buffer.isBuffer(body)) return body.toString('utf8');
  if (typeof (body as { pipe?: unknown }).pipe === 'function') return undefined;
  return JSON.stringify(body);
}

function cimdStep(f: CimdFetch): FlowStep {
  const failed = f.error !== undefined;
  const status = f.response?.status ?? 0;
  const text = f.response?.text;
  return {
    id: randomId(),
    at: iso(f.at),
    endpoint: 'cimd',
    method: 'GET',
    url: f.url,
    status,
    duration_ms: f.duration_ms,
    ok: !failed,
    ...(failed ? { error: 'invalid_client', error_description: f.error, explanation: explain({ endpoint: 'cimd', error: 'invalid_client', description: f.error, warnings: [] }) } : {}),
    exchange: {
      request: { method: 'GET', url: f.url, headers: f.requestHeaders.map(([name, value]) => ({ name, value })), body: null },
      response: { status, headers: (f.response?.headers ?? []).map(([name, value]) => ({ name, value })), body: text === undefined ? null : capBody(text, f.response?.headers.find(([n]) => n === 'content-type')?.[1] ?? 'application/json') },
    },
  };
}

/** What went over the wire, as the route read and answered it (bodies capped). */
function exchangeOf(ctx: HttpContext, entry: ActivityEntry): FlowStep['exchange'] {
  const state = ctx.state as Record<string, unknown>;
  const reqText = (state.formText ?? state.bodyText) as string | undefined;
  const resText = responseText(ctx.body);
  const url = ctx.req.url ?? entry.path;
  return {
    request: { method: entry.method, url, headers: requestHeaders(ctx.req.rawHeaders), body: reqText === undefined ? null : capBody(reqText, ctx.get('content-type') || 'application/octet-stream') },
    response: { status: entry.status, headers: responseHeaders(ctx.res?.getHeaders() ?? {}), body: resText === undefined ? null : capBody(resText, ctx.response.get('content-type') || 'text/plain') },
  };
}

/** The step itself: the activity entry's outcome, the fault that answered, and why it failed. */
function stepOf(ctx: HttpContext, entry: ActivityEntry, endpoint: FlowEndpoint): FlowStep {
  const state = ctx.state as Record<string, unknown>;
  const warnings = entry.warnings.map((w) => w.message);
  const failed = !!entry.error || entry.status >= 400;
  const grantType = endpoint === 'token' ? (state.form as Record<string, string> | undefined)?.grant_type : undefined;
  const faultId = state.faultId as string | undefined;
  // The developer's fix, when the error knows it (thrown, or sent to the client's redirect URI).
  const fix = (state.oauthError as { fix?: string } | undefined)?.fix ?? (state.redirectErrorFix as string | undefined);
  return {
    id: entry.id,
    at: entry.at,
    endpoint,
    method: entry.method,
    url: ctx.req.url ?? entry.path,
    status: entry.status,
    duration_ms: entry.duration_ms,
    ...(grantType ? { grant_type: grantType } : {}),
    ok: !failed,
    ...(entry.error ? { error: entry.error } : {}),
    ...(entry.error_description ? { error_description: entry.error_description } : {}),
    ...(failed ? { explanation: explain({ endpoint, error: entry.error ?? `http_${entry.status}`, description: entry.error_description, grantType, warnings, fix, faultId }) } : {}),
    ...(faultId ? { fault_id: faultId } : {}),
    ...(warnings.length ? { warnings } : {}),
    exchange: exchangeOf(ctx, entry),
  };
}

/** The step of a request at an OAuth endpoint (with the CIMD fetch it made first, if any). */
export function recordFlowStep(flows: FlowLog, ctx: HttpContext, entry: ActivityEntry): void {
  const endpoint = flowEndpointOf(ctx.method, ctx.path);
  if (!endpoint) return;
  const state = ctx.state as Record<string, unknown>;
  const step = stepOf(ctx, entry, endpoint);
  const cimd = state.cimdFetch as CimdFetch | undefined;
  const facts = stepFacts({
    endpoint,
    peer: `${ctx.req.socket?.remoteAddress ?? ''}|${ctx.get('user-agent')}`,
    query: ctx.querystring,
    form: state.form as Record<string, string> | undefined,
    location: ctx.response.get('location'),
    body: ctx.body,
    state: { clientId: state.clientId, interaction: state.interaction, sub: state.sub, resource: state.resource },
  });
  flows.record(cimd ? [cimdStep(cimd), step] : [step], facts);
}
