/**
 * A step as a `curl` command that sends the same request again: same method, URL, headers and
 * body. Masked secrets stay masked (the command then shows what was sent, but replays only once
 * the flow is revealed). Headers curl sets itself, or that would pin the old connection, are left out.
 */
import type { FlowExchange } from '../../../server/contracts';

const SKIP = new Set(['host', 'content-length', 'connection', 'accept-encoding', 'transfer-encoding', 'keep-alive', 'upgrade']);

/** POSIX shell single quotes: everything literal, a ' closed, escaped and reopened. */
export const shellQuote = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** `base` resolves a recorded path (the server records path and query) to the URL to call. */
export function curlCommand(x: FlowExchange, base: string): string {
  const { method, url, headers, body } = x.request;
  const first = ['curl', '-i', ...(method !== 'GET' || body ? ['-X', method] : []), shellQuote(new URL(url, base).toString())].join(' ');
  const lines = [first];
  for (const h of headers) if (!SKIP.has(h.name.toLowerCase())) lines.push(`-H ${shellQuote(`${h.name}: ${h.value}`)}`);
  if (body?.text) lines.push(`--data-raw ${shellQuote(body.text)}`);
  // One option a line, continued with a backslash: still one command when pasted.
  return lines.join(' \\\n  ');
}
