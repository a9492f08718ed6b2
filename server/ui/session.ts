/**
 * Browser sign-in for the UI, the way Jupyter does it: `authserver serve` prints the UI's URL
 * with a one-time token (`UI: http://127.0.0.1:9000/ui/?token=…`); opening it trades the token
 * for an HttpOnly, SameSite=Strict session cookie and redirects to the same URL without the
 * token. Without the cookie the UI only shows how to get in.
 *
 * State is in memory (a restart prints a new link). Tokens and sessions are 256-bit randoms,
 * kept by SHA-256. A session is bound to the port of the server that created it, so two
 * AuthPlane servers in one process (tests) or one browser never accept each other's cookies;
 * the cookie's name carries that port too, because browsers share cookies across ports.
 */
import type { Context } from 'koa';
import { randomToken, sha256hex } from '../domain/crypto';

/** A login link works once, while its server runs; a session ends after 30 days of inactivity. */
export const SESSION_IDLE_MS = 30 * 24 * 3600_000;
const MAX_ENTRIES = 1000;

interface LoginToken {
  issuer: string;
}
interface Session {
  port: number;
  issuer: string;
  lastSeen: number;
}

const loginTokens = new Map<string, LoginToken>();
const sessions = new Map<string, Session>();

function bound<K, V>(m: Map<K, V>): void {
  while (m.size >= MAX_ENTRIES) {
    const first = m.keys().next().value;
    if (first === undefined) break;
    m.delete(first);
  }
}

/** The cookie's name for a server listening on `port`. */
export const sessionCookieName = (port: number): string => `authplane_ui_${port}`;

/** The local port the request arrived on (the server's own port, whatever the Host header says). */
export function requestPort(ctx: Pick<Context, 'req'>): number {
  return ctx.req.socket?.localPort ?? 0;
}

/**
 * Mints a one-time login token for the server whose issuer is `issuer` and returns the URL to
 * open. Call after the server listens; print the URL on a line starting with `UI: `.
 */
export function createUiSession(issuer: string): { token: string; url: string } {
  bound(loginTokens);
  const token = randomToken(32);
  loginTokens.set(sha256hex(token), { issuer });
  return { token, url: `${issuer}/ui/?token=${token}` };
}

/** `createUiSession(issuer).url`. */
export function uiLoginUrl(issuer: string): string {
  return createUiSession(issuer).url;
}

/** Consumes a login token minted for `issuer`; returns a new session id, or undefined. */
export function redeemLoginToken(token: string, issuer: string, port: number, now = Date.now()): string | undefined {
  const key = sha256hex(token);
  const t = loginTokens.get(key);
  if (!t || t.issuer !== issuer) return undefined;
  loginTokens.delete(key);
  bound(sessions);
  const sid = randomToken(32);
  sessions.set(sha256hex(sid), { port, issuer, lastSeen: now });
  return sid;
}

function sessionFor(ctx: Context, now: number): { key: string; session: Session } | undefined {
  const port = requestPort(ctx);
  const sid = ctx.cookies.get(sessionCookieName(port));
  if (!sid) return undefined;
  const key = sha256hex(sid);
  const session = sessions.get(key);
  if (!session || session.port !== port) return undefined;
  if (session.lastSeen + SESSION_IDLE_MS <= now) {
    sessions.delete(key);
    return undefined;
  }
  return { key, session };
}

/**
 * The admin router's `authenticate` hook: true when the request carries a live UI session
 * cookie of this server. Never throws; anything else falls through to the bearer check.
 */
export function authenticate(ctx: Context): boolean {
  try {
    const now = Date.now();
    const found = sessionFor(ctx, now);
    if (!found) return false;
    found.session.lastSeen = now;
    return true;
  } catch {
    return false;
  }
}

/** Ends the request's session (sign out). */
export function endSession(ctx: Context): void {
  const found = sessionFor(ctx, Date.now());
  if (found) sessions.delete(found.key);
}

/** Forgets every token and session of one issuer (server shutdown). */
export function forgetIssuer(issuer: string): void {
  for (const [k, t] of loginTokens) if (t.issuer === issuer) loginTokens.delete(k);
  for (const [k, s] of sessions) if (s.issuer === issuer) sessions.delete(k);
}
