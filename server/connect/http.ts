/**
 * Every HTTP request `authserver connect` makes (the MCP server, its PRM, AuthPlane's metadata,
 * registration, authorize, token, the consent long poll) goes through boundedFetch: a hung server
 * fails the run with the URL and the deadline instead of leaving the command waiting forever.
 */
import { CONSENT_WAIT_MS } from '../contracts/interactions';
import { boundedFetchAsFetch } from '../net/boundedFetch';

/** Default deadline of one request, headers and body (`--timeout`). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** An MCP result or an OAuth document is far smaller; more is a broken server. */
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

export type ConnectFetch = (input: string | URL, init?: RequestInit) => Promise<Response>;

/** The fetch for every request but the long poll. */
export function connectFetch(timeoutMs: number): ConnectFetch {
  return boundedFetchAsFetch({ timeoutMs, maxBytes: MAX_ANSWER_BYTES });
}

/** The consent long poll: the server holds it CONSENT_WAIT_MS by design, then the usual deadline. */
export function longPollFetch(timeoutMs: number): ConnectFetch {
  return boundedFetchAsFetch({ timeoutMs: CONSENT_WAIT_MS + timeoutMs, maxBytes: MAX_ANSWER_BYTES });
}
