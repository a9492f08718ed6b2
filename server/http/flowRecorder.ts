/**
 * The flow timeline's side of the request recorder (activity.ts): the activity entry of a request
 * at an OAuth endpoint, plus the exchange itself (headers and bodies, capped), becomes a step,
 * handed to the FlowLog with what the server learned about it. The step is taken when the
 * answer's head is written (the server's response class tells, drain.ts), so it holds exactly what
 * went back: the head as Node wrote it (Content-Length, Date and Connection included) and the
 * body text Koa sent. The stored copy is the real exchange; masking happens when a flow is read.
 */
import type { ActivityEntry } from '../contracts';
import { FLOW_LIMITS, type FlowBody, type FlowEndpoint, type FlowHeader, type FlowStep } from '../contracts/flows';
import { iso } from '../clock';
import { randomId } from '../domain/crypto';
import { explain } from '../flows/explain';
import { stepFacts } from '../flows/facts';
import type { FlowLog, StepRecord } from '../flows/flowLog';
import type { ArenaText, TextArena } from '../flows/textArena';
import { PATHS } from '../oauth/paths';
import type { CimdFetch } from '../oauth/cimd';
import { responseHeader, type HttpContext } from './context';
import { whenHeadWritten } from './drain';
import type { Logger } from '../log';

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

function capBody(text: string, mime: string, cap = FLOW_LIMITS.bodyBytes): FlowBody {
  const size = Buffer.byteLength(text);
  if (size <= cap) return { mime_type: mime, text, size, truncated: false };
  return { mime_type: mime, text: Buffer.from(text).subarray(0, cap).toString('utf8'), size, truncated: true };
}

function unpackHeaders(packed: string): FlowHeader[] {
  const out: FlowHeader[] = [];
  const parts = packed.split('\n');
  for (let i = 0; i + 1 < parts.length; i += 2) out.push({ name: parts[i]!, value: parts[i + 1]! });
  return out;
}

/** The header lines of a response head as kept (drain.ts): "HTTP/1.1 200 OK\r\nName: value\r\n…", the status line skipped. */
function headHeaders(head: string): FlowHeader[] {
  const out: FlowHeader[] = [];
  const lines = head.split('\r\n');
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon > 0) out.push({ name: line.slice(0, colon), value: line.slice(colon + 1).trim() });
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

/** The texts a request step keeps in the arena, in this order; the bodies capped (FLOW_LIMITS.bodyBytes). */
const URL = 0;
const REQ_HEADERS = 1;
const REQ_BODY = 2;
const RES_HEAD = 3;
const RES_BODY = 4;
const GRANT_TYPE = 5;
const FAULT_ID = 6;
const FIX = 7;
const TEXT_CAPS = [Infinity, Infinity, FLOW_LIMITS.bodyBytes, Infinity, FLOW_LIMITS.bodyBytes, Infinity, Infinity, Infinity];

const bodyOf = (t: ArenaText, mime: string): FlowBody | null => (t ? { mime_type: mime, text: t.text, size: t.size, truncated: t.truncated } : null);

/**
 * A request at an OAuth endpoint as it left the server. Its texts (the URL, the request's headers
 * as Node read them, names and values joined by "\n", which neither can hold; the bodies; the
 * response head as written; the rare grant type, fault and fix) go into the flow log's arena; the
 * step itself is its activity entry (which the activity log holds anyway) and where its text is.
 * Every recorded step lives until its flow rolls off, so each field here is paid for in every
 * garbage collection until then. The full step is built when a flow is read, which is rare next
 * to the requests recorded.
 */
class RequestStep implements StepRecord {
  readonly place: number;

  constructor(
    ctx: HttpContext,
    private readonly entry: ActivityEntry,
    readonly endpoint: FlowEndpoint,
    /** The response head as written (status line and header lines). */
    head: string,
    private readonly texts: TextArena,
  ) {
    const state = ctx.state as Record<string, unknown>;
    const grantType = endpoint === 'token' ? (state.form as Record<string, string> | undefined)?.grant_type : undefined;
    // The developer's fix, when the error knows it (thrown, or sent to the client's redirect URI).
    const fix = (state.oauthError as { fix?: string } | undefined)?.fix ?? (state.redirectErrorFix as string | undefined);
    this.place = texts.put(
      [ctx.req.url ?? entry.path, ctx.req.rawHeaders.join('\n'), (state.formText ?? state.bodyText) as string | undefined, head, responseText(ctx.body), grantType, state.faultId as string | undefined, fix],
      TEXT_CAPS,
    );
  }

  get id(): string {
    return this.entry.id;
  }
  get at(): string {
    return this.entry.at;
  }
  get method(): string {
    return this.entry.method;
  }
  get status(): number {
    return this.entry.status;
  }
  get ok(): boolean {
    return !this.entry.error && this.entry.status < 400;
  }

  /** The step itself: the activity entry's outcome, the fault that answered, and why it failed. */
  step(): FlowStep {
    const { entry, endpoint } = this;
    const t = this.texts.read(this.place, TEXT_CAPS.length)!;
    const url = t[URL]!.text;
    const grantType = t[GRANT_TYPE]?.text;
    const faultId = t[FAULT_ID]?.text;
    const warnings = entry.warnings.map((w) => w.message);
    const reqHeaders = unpackHeaders(t[REQ_HEADERS]!.text);
    const resHeaders = headHeaders(t[RES_HEAD]!.text);
    const reqMime = reqHeaders.find((h) => h.name.toLowerCase() === 'content-type')?.value || 'application/octet-stream';
    const resMime = resHeaders.find((h) => h.name.toLowerCase() === 'content-type')?.value || 'text/plain';
    return {
      id: entry.id,
      at: entry.at,
      endpoint,
      method: entry.method,
      url,
      status: entry.status,
      duration_ms: entry.duration_ms,
      ...(grantType ? { grant_type: grantType } : {}),
      ok: this.ok,
      ...(entry.error ? { error: entry.error } : {}),
      ...(entry.error_description ? { error_description: entry.error_description } : {}),
      ...(this.ok ? {} : { explanation: explain({ endpoint, error: entry.error ?? `http_${entry.status}`, description: entry.error_description, grantType, warnings, fix: t[FIX]?.text, faultId }) }),
      ...(faultId ? { fault_id: faultId } : {}),
      ...(warnings.length ? { warnings } : {}),
      // What went over the wire, as the route read and answered it (bodies capped).
      exchange: {
        request: { method: entry.method, url, headers: reqHeaders, body: bodyOf(t[REQ_BODY], reqMime) },
        response: { status: entry.status, headers: resHeaders, body: bodyOf(t[RES_BODY], resMime) },
      },
    };
  }
}

/** Recording never changes an answer: a step that cannot be taken is lost, with a warning. */
export function stepFailed(log: Logger, entry: ActivityEntry, e: unknown): void {
  log.warn(`flow timeline: could not record ${entry.method} ${entry.path} (${(e as Error)?.message ?? String(e)})`);
}

/**
 * The step of a request at an OAuth endpoint (with the CIMD fetch it made first, if any), taken
 * when its answer's head is written (an answer never written leaves no step; its row is in the
 * activity log).
 */
export function recordFlowStep(flows: FlowLog, ctx: HttpContext, entry: ActivityEntry, log: Logger): void {
  const endpoint = flowEndpointOf(entry.method, entry.path);
  if (!endpoint) return;
  const body = ctx.body;
  const taken = whenHeadWritten(ctx.res, (head) => {
    try {
      takeStep(flows, ctx, entry, endpoint, head, body);
    } catch (e) {
      stepFailed(log, entry, e);
    }
  });
  // A JSON answer is stringified here, once: Koa sends this text (the same JSON.stringify Koa
  // would run, so the same bytes and length) and the step keeps it.
  if (taken && isJsonValue(body)) ctx.body = JSON.stringify(body);
}

/** `body` is the answer as the route set it (a JSON answer as the object: the tokens it hands on). */
function takeStep(flows: FlowLog, ctx: HttpContext, entry: ActivityEntry, endpoint: FlowEndpoint, head: string, body: unknown): void {
  const state = ctx.state as Record<string, unknown>;
  // The CIMD fetch came first: its text goes first into the arena, as its step into the flow.
  const cimd = state.cimdFetch as CimdFetch | undefined;
  const fetched = cimd && flows.keep(cimdStep(cimd));
  const step = new RequestStep(ctx, entry, endpoint, head, flows.texts);
  const facts = stepFacts({
    endpoint,
    peer: () => `${ctx.req.socket?.remoteAddress ?? ''}|${ctx.req.headers['user-agent'] ?? ''}`,
    query: ctx.querystring,
    form: state.form as Record<string, string> | undefined,
    location: responseHeader(ctx, 'location'),
    body,
    state: { clientId: state.clientId, interaction: state.interaction, sub: state.sub, resource: state.resource },
  });
  flows.record(fetched ? [fetched, step] : [step], facts);
}

/** A plain object or array: what Koa itself would answer with JSON.stringify. */
function isJsonValue(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const proto = Object.getPrototypeOf(body);
  return proto === Object.prototype || proto === null || Array.isArray(body);
}
