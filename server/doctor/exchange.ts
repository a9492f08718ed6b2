/**
 * The doctor's record of one HTTP round trip, in the flow timeline's shape (FlowExchange), so the
 * window draws a doctor walk with the same timeline as a client's flow. What the doctor sends
 * and receives carries live credentials (the test client's code, verifier and tokens): they are
 * masked here, before the report leaves the walk, because a report is printed (`--json`) and
 * shown, never revealed. Web-standard only, like the rest of the walk.
 */
import { MASK, type FlowBody, type FlowExchange, type FlowHeader } from '../contracts/flows';

/** Bodies kept in a report (the walk reads up to 256 KiB; a timeline needs the start). */
export const EXCHANGE_BODY_CAP = 16 * 1024;

/** Parameters and JSON members that carry a credential. */
const SECRET_FIELDS = new Set(['code', 'code_verifier', 'client_secret', 'access_token', 'refresh_token', 'id_token', 'token', 'assertion', 'client_assertion', 'registration_access_token']);
/** Headers whose whole value is a credential (Authorization keeps its scheme). */
const SECRET_HEADERS = new Set(['authorization', 'cookie', 'set-cookie', 'proxy-authorization', 'x-admin-token']);

/** The first characters stay, so two steps with the same token can be told apart. */
export const maskValue = (v: string): string => (v.length > 12 ? `${v.slice(0, 4)}${MASK}` : MASK);

function maskHeader(name: string, value: string): string {
  const n = name.toLowerCase();
  if (n === 'authorization' || n === 'proxy-authorization') {
    const m = /^(\S+)\s+(.+)$/.exec(value);
    return m ? `${m[1]} ${maskValue(m[2]!)}` : maskValue(value);
  }
  if (SECRET_HEADERS.has(n)) return maskValue(value);
  if (n === 'location' || n === 'content-location') return maskUrl(value);
  return value;
}

/** Masks secret query parameters; a relative or malformed URL is masked the same way. */
export function maskUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const hash = url.indexOf('#', q);
  const query = url.slice(q + 1, hash < 0 ? undefined : hash);
  return `${url.slice(0, q + 1)}${maskForm(query)}${hash < 0 ? '' : url.slice(hash)}`;
}

function maskForm(text: string): string {
  const p = new URLSearchParams(text);
  let changed = false;
  for (const [k, v] of [...p]) {
    if (SECRET_FIELDS.has(k) && v) {
      p.set(k, maskValue(v));
      changed = true;
    }
  }
  return changed ? p.toString() : text;
}

function maskJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskJson);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_FIELDS.has(k) && typeof v === 'string' && v ? maskValue(v) : maskJson(v)]));
}

function maskBodyText(text: string, mime: string): string {
  if (/x-www-form-urlencoded/i.test(mime)) return maskForm(text);
  if (/json/i.test(mime)) {
    try {
      return JSON.stringify(maskJson(JSON.parse(text)));
    } catch {
      return text;
    }
  }
  return text;
}

function body(text: string | undefined, mime: string): FlowBody | null {
  if (!text) return null;
  const size = new TextEncoder().encode(text).length;
  const masked = maskBodyText(text, mime);
  const truncated = masked.length > EXCHANGE_BODY_CAP;
  return { mime_type: mime, text: truncated ? masked.slice(0, EXCHANGE_BODY_CAP) : masked, size, truncated };
}

const headerList = (entries: Iterable<[string, string]>): FlowHeader[] => [...entries].map(([name, value]) => ({ name, value: maskHeader(name, value) }));

export interface SentRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface ReceivedResponse {
  status: number;
  headers: Headers;
  text: string;
}

/** One masked, capped exchange. */
export function toExchange(req: SentRequest, res: ReceivedResponse): FlowExchange {
  const reqHeaders = Object.entries(req.headers);
  const reqMime = reqHeaders.find(([n]) => n.toLowerCase() === 'content-type')?.[1] ?? '';
  const resMime = res.headers.get('content-type') ?? '';
  return {
    request: { method: req.method, url: maskUrl(req.url), headers: headerList(reqHeaders), body: body(req.body, reqMime) },
    response: { status: res.status, headers: headerList(res.headers.entries()), body: body(res.text, resMime) },
  };
}
