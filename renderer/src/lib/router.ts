/** Hash routing: `#/issuances?jti=…`. Works from any URL the server serves the UI at. */
import { useSyncExternalStore } from 'react';

export interface Route {
  /** Path segments after `#/`, decoded. */
  parts: string[];
  query: URLSearchParams;
}

function read(): string {
  return location.hash.replace(/^#/, '') || '/prompts';
}

function subscribe(fn: () => void): () => void {
  window.addEventListener('hashchange', fn);
  return () => window.removeEventListener('hashchange', fn);
}

/** A malformed escape (a hand-typed `%E0`) stays as typed rather than breaking the whole window. */
function decodePart(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
}

export function parseRoute(hash: string): Route {
  const at = hash.indexOf('?');
  const [path, q] = at < 0 ? [hash, ''] : [hash.slice(0, at), hash.slice(at + 1)];
  return { parts: path.split('/').filter(Boolean).map(decodePart), query: new URLSearchParams(q) };
}

/**
 * The path of one item's page, e.g. `/clients/<client_id>`. Every id is one encoded segment:
 * a CIMD client's id is a URL, with `/`, `?` and `#` in it.
 */
export function itemPath(section: 'clients' | 'resources', id: string): string {
  return `/${section}/${encodeURIComponent(id)}`;
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, read);
  return parseRoute(hash);
}

export function href(path: string, query?: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v) q.set(k, v);
  const s = q.toString();
  return `#${path}${s ? `?${s}` : ''}`;
}

export function navigate(path: string, query?: Record<string, string | undefined>, replace = false): void {
  const h = href(path, query);
  if (replace) history.replaceState(null, '', h);
  else location.hash = h;
  if (replace) window.dispatchEvent(new HashChangeEvent('hashchange'));
}
