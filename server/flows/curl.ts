/**
 * A recorded request (a flow step's, a doctor round trip's) as a shell command: `curl` with the
 * method, the absolute URL, the headers the client sent (not those curl computes itself) and the
 * body, each single-quoted for a POSIX shell. Built from the exchange as shown, so its secrets are masked unless the caller revealed them (and then the
 * command really replays the request). `-i` prints the status and headers of the answer.
 */
import type { FlowExchange } from '../contracts/flows';

/** Headers curl sets from the URL and body itself; copying them would contradict what it sends. */
const COMPUTED = new Set(['host', 'content-length', 'connection', 'transfer-encoding', 'accept-encoding', 'keep-alive']);

export function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/** The absolute URL of a request (our own endpoints are recorded by path; a CIMD fetch is absolute). */
export function absoluteUrl(exchange: FlowExchange, issuer: string): string {
  const { url } = exchange.request;
  return /^https?:\/\//i.test(url) ? url : issuer + url;
}

export function curlCommand(exchange: FlowExchange, issuer: string): string {
  const { request } = exchange;
  const parts = ['curl', '-sS', '-i'];
  if (request.method === 'HEAD') parts.push('--head');
  else if (request.method !== 'GET' || request.body) parts.push('-X', request.method);
  parts.push(shellQuote(absoluteUrl(exchange, issuer)));
  for (const h of request.headers) if (!COMPUTED.has(h.name.toLowerCase())) parts.push('-H', shellQuote(`${h.name}: ${h.value}`));
  if (request.body) parts.push('--data-binary', shellQuote(request.body.text));
  return parts.join(' ');
}
