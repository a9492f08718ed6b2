/**
 * A flow as HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/): one entry per step, so the
 * flow opens in Chrome DevTools and every HTTP tool. Built from the flow as shown (masked unless
 * revealed). AuthPlane's own findings ride along as custom fields (`_error`, `_explanation`,
 * `_fault_id`, `_endpoint`), which the format allows with a leading underscore.
 */
import type { Flow, FlowBody, FlowHeader, FlowStep } from '../contracts/flows';
import { absoluteUrl } from './curl';

const STATUS_TEXT: Record<number, string> = { 200: 'OK', 201: 'Created', 204: 'No Content', 302: 'Found', 303: 'See Other', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable' };

interface HarCookie {
  name: string;
  value: string;
}

function cookiesOf(headers: FlowHeader[], name: 'cookie' | 'set-cookie'): HarCookie[] {
  const out: HarCookie[] = [];
  for (const h of headers) {
    if (h.name.toLowerCase() !== name) continue;
    const pairs = name === 'cookie' ? h.value.split(';') : [h.value.split(';', 1)[0]!];
    for (const p of pairs) {
      const eq = p.indexOf('=');
      if (eq > 0) out.push({ name: p.slice(0, eq).trim(), value: p.slice(eq + 1).trim() });
    }
  }
  return out;
}

const header = (hs: FlowHeader[], name: string) => hs.find((h) => h.name.toLowerCase() === name)?.value;

function entry(step: FlowStep, issuer: string) {
  const { request, response } = step.exchange;
  const url = absoluteUrl(step.exchange, issuer);
  const queryString = URL.canParse(url) ? [...new URL(url).searchParams].map(([name, value]) => ({ name, value })) : [];
  const postData = (b: FlowBody) => ({ mimeType: b.mime_type, text: b.text, ...(b.mime_type.includes('x-www-form-urlencoded') ? { params: [...new URLSearchParams(b.text)].map(([name, value]) => ({ name, value })) } : {}) });
  return {
    startedDateTime: step.at,
    time: step.duration_ms,
    request: {
      method: request.method,
      url,
      httpVersion: 'HTTP/1.1',
      cookies: cookiesOf(request.headers, 'cookie'),
      headers: request.headers,
      queryString,
      ...(request.body ? { postData: postData(request.body) } : {}),
      headersSize: -1,
      bodySize: request.body ? request.body.size : 0,
    },
    response: {
      status: response.status,
      statusText: STATUS_TEXT[response.status] ?? '',
      httpVersion: 'HTTP/1.1',
      cookies: cookiesOf(response.headers, 'set-cookie'),
      headers: response.headers,
      content: { size: response.body?.size ?? 0, mimeType: response.body?.mime_type ?? header(response.headers, 'content-type') ?? 'x-unknown', ...(response.body ? { text: response.body.text } : {}) },
      redirectURL: header(response.headers, 'location') ?? '',
      headersSize: -1,
      bodySize: response.body ? response.body.size : 0,
    },
    cache: {},
    timings: { send: 0, wait: step.duration_ms, receive: 0 },
    _endpoint: step.endpoint,
    ...(step.error ? { _error: step.error } : {}),
    ...(step.explanation ? { _explanation: step.explanation } : {}),
    ...(step.fault_id ? { _fault_id: step.fault_id } : {}),
  };
}

export function flowHar(flow: Flow, issuer: string, version: string) {
  return {
    log: {
      version: '1.2',
      creator: { name: 'AuthPlane Desktop', version },
      comment: `flow ${flow.id} (${flow.kind}) of client ${flow.client_id ?? 'unknown'}: ${flow.outcome}${flow.masked ? '; secrets masked' : ''}`,
      entries: flow.steps.map((s) => entry(s, issuer)),
    },
  };
}
