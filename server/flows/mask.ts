/**
 * Masking a recorded exchange (a flow's step, a doctor's round trip) for display. The recorder keeps the exchange as it was (in memory only)
 * so that revealing is possible; every read that does not ask to reveal goes through here. The
 * secrets of a step are collected from where the protocol puts them (form and JSON fields, the
 * Authorization and Cookie headers, Set-Cookie, the code in a redirect, the consent form's CSRF
 * token) and then every occurrence of each, in any part of the step, is replaced: a secret echoed
 * somewhere unexpected (a redirect page's body) is masked too.
 */
import { MASK, type FlowExchange, type FlowHeader, type FlowStep } from '../contracts/flows';

/** Form and JSON fields that carry secrets. */
const SECRET_FIELDS = new Set(['code', 'code_verifier', 'client_secret', 'refresh_token', 'access_token', 'id_token', 'token', 'csrf', 'registration_access_token', 'assertion', 'client_assertion', 'password']);

/** Shorter values are not secrets worth the false matches (e.g. a `code` of "x" in a bad request). */
const MIN_SECRET = 6;

export function maskValue(v: string): string {
  return v.slice(0, 4) + MASK;
}

function addForm(text: string, out: Set<string>): void {
  for (const [k, v] of new URLSearchParams(text)) if (SECRET_FIELDS.has(k)) out.add(v);
}

const JSON_FIELD = /"([a-z_]+)"\s*:\s*"((?:[^"\\]|\\.)*)"/g;

/** By pattern, not JSON.parse: a capped body is not valid JSON but its secrets are still there. */
function addJson(text: string, out: Set<string>): void {
  for (const m of text.matchAll(JSON_FIELD)) if (SECRET_FIELDS.has(m[1]!)) out.add(m[2]!);
}

const CSRF_INPUT = /name="csrf" value="([^"]+)"/g;

function addHeaders(headers: FlowHeader[], out: Set<string>): void {
  for (const h of headers) {
    const name = h.name.toLowerCase();
    if (name === 'authorization') {
      const [scheme, value] = h.value.split(/\s+/, 2);
      if (!value) continue;
      out.add(value);
      if (/^basic$/i.test(scheme ?? '')) {
        const decoded = Buffer.from(value, 'base64').toString('utf8');
        const secret = decoded.slice(decoded.indexOf(':') + 1);
        out.add(secret);
        out.add(decodeURIComponent(secret.replace(/\+/g, ' ')));
      }
    } else if (name === 'cookie') {
      for (const part of h.value.split(';')) out.add(part.slice(part.indexOf('=') + 1).trim());
    } else if (name === 'set-cookie') {
      const first = h.value.split(';', 1)[0]!;
      out.add(first.slice(first.indexOf('=') + 1).trim());
    } else if (name === 'location' && URL.canParse(h.value, 'http://localhost')) {
      const code = new URL(h.value, 'http://localhost').searchParams.get('code');
      if (code) out.add(code);
    }
  }
}

function addBody(body: FlowExchange['request']['body'], out: Set<string>): void {
  if (!body) return;
  if (body.mime_type.includes('x-www-form-urlencoded')) addForm(body.text, out);
  else if (body.mime_type.includes('json')) addJson(body.text, out);
  else if (body.mime_type.includes('html')) for (const m of body.text.matchAll(CSRF_INPUT)) out.add(m[1]!);
}

/** Every secret value in the exchange (the admin token included: it only ever travels as a Bearer). */
export function secretsOf(exchange: FlowExchange): string[] {
  const out = new Set<string>();
  const { request, response } = exchange;
  const q = request.url.indexOf('?');
  if (q >= 0) addForm(request.url.slice(q + 1), out);
  addHeaders(request.headers, out);
  addHeaders(response.headers, out);
  addBody(request.body, out);
  addBody(response.body, out);
  // Longest first, so a secret that contains another is replaced whole.
  return [...out].filter((s) => s.length >= MIN_SECRET).sort((a, b) => b.length - a.length);
}

function replacer(secrets: string[]): (text: string) => string {
  const pairs: Array<[string, string]> = [];
  for (const s of secrets) {
    pairs.push([s, maskValue(s)]);
    const enc = encodeURIComponent(s);
    if (enc !== s) pairs.push([enc, maskValue(s)]);
    const b64 = Buffer.from(s).toString('base64');
    pairs.push([b64, maskValue(b64)]);
  }
  return (text) => {
    let t = text;
    for (const [from, to] of pairs) if (t.includes(from)) t = t.split(from).join(to);
    return t;
  };
}

/** Replaces every secret of the exchange in a text; undefined when the exchange holds none. */
function maskerOf(exchange: FlowExchange): ((text: string) => string) | undefined {
  const secrets = secretsOf(exchange);
  return secrets.length === 0 ? undefined : replacer(secrets);
}

function maskWith(exchange: FlowExchange, m: (text: string) => string): FlowExchange {
  const headers = (hs: FlowHeader[]) => hs.map((h) => ({ name: h.name, value: m(h.value) }));
  const body = (b: FlowExchange['request']['body']) => (b ? { ...b, text: m(b.text) } : null);
  const { request, response } = exchange;
  return {
    request: { ...request, url: m(request.url), headers: headers(request.headers), body: body(request.body) },
    response: { ...response, headers: headers(response.headers), body: body(response.body) },
  };
}

/** The exchange as shown without reveal (the same object when it holds no secret). */
export function maskExchange(exchange: FlowExchange): FlowExchange {
  const m = maskerOf(exchange);
  return m ? maskWith(exchange, m) : exchange;
}

/** A flow step as shown without reveal: its exchange, and the URL and description it repeats. */
export function maskStep(step: FlowStep): FlowStep {
  const m = maskerOf(step.exchange);
  if (!m) return step;
  return {
    ...step,
    url: m(step.url),
    ...(step.error_description !== undefined ? { error_description: m(step.error_description) } : {}),
    exchange: maskWith(step.exchange, m),
  };
}
