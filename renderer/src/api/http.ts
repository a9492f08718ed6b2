/**
 * How the page talks to the server: the admin API and /ui/api, same origin. In the Electron
 * window the preload hands over the admin token (Authorization: Bearer); in a browser the
 * HttpOnly session cookie authenticates the same requests.
 */
import { isServerInfo, type AuthplaneBridge } from '../../../electron/ipc/contract';
import type { UiSessionInfo } from '../../../server/ui/types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface AuthState {
  mode: 'bridge' | 'cookie';
  issuer: string;
}

let bearer: string | undefined;

function bridge(): AuthplaneBridge | undefined {
  return (globalThis as { authplane?: AuthplaneBridge }).authplane;
}

/** Signed in → how; not signed in → null (the page then shows how to get in). */
export async function initAuth(): Promise<AuthState | null> {
  const b = bridge();
  if (b) {
    const info = await b.getServerInfo();
    if (!isServerInfo(info)) throw new Error('the desktop shell returned no server credentials');
    bearer = info.adminToken;
    return { mode: 'bridge', issuer: info.issuer };
  }
  const res = await fetch('/ui/api/session', { credentials: 'same-origin', headers: { accept: 'application/json' } });
  if (!res.ok) throw new ApiError(res.status, 'session', `the server answered ${res.status} to /ui/api/session`);
  const s = (await res.json()) as UiSessionInfo;
  return s.authenticated ? { mode: 'cookie', issuer: s.issuer } : null;
}

export function authHeaders(): Record<string, string> {
  return bearer ? { authorization: `Bearer ${bearer}` } : {};
}

/** Listeners told when the server says we are no longer signed in (401). */
const onUnauthorized = new Set<() => void>();
export function subscribeUnauthorized(fn: () => void): () => void {
  onUnauthorized.add(fn);
  return () => onUnauthorized.delete(fn);
}

export async function request<T>(path: string, init: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...authHeaders() };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method: init.method ?? 'GET', headers, credentials: 'same-origin', body: init.body === undefined ? undefined : JSON.stringify(init.body), signal: init.signal });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const e = (json ?? {}) as { error?: string; error_description?: string };
    if (res.status === 401) for (const fn of onUnauthorized) fn();
    throw new ApiError(res.status, e.error ?? 'http_error', e.error_description ?? `${res.status} ${res.statusText}`);
  }
  return json as T;
}
