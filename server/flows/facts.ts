/**
 * What the server knows about one recorded step, for grouping it into a flow: the client, the
 * link keys the step belongs to (the code it redeemed, the refresh token it presented, the
 * consent prompt it answered) and the keys later steps will present (the code it issued, the
 * tokens in its response). Registration → authorize by client_id, authorize → consent page →
 * decision by the interaction id, decision (or an auto-approved authorize) → code exchange by the
 * code or the code's interaction, exchange → refreshes → revocation by the token chain.
 */
import type { FlowEndpoint, FlowKind } from '../contracts/flows';
import { redirectQuery } from '../http/redirectQuery';

export interface StepFacts {
  endpoint: FlowEndpoint;
  clientId?: string;
  /** The resource URI the step resolved (or asked for). */
  resource?: string;
  /** The user who decided, when the step knows it. */
  sub?: string;
  grantType?: string;
  /** Keys of the flow this step belongs to, tried in order. */
  joins: string[];
  /** Keys used once: a registration waits for its client's first authorization only. */
  joinOnce: string[];
  /** Keys later steps present. */
  provides: string[];
  /** Discovery (metadata, JWKS) has no client: it waits to be claimed by the next flow of the same peer. */
  discovery: boolean;
  /**
   * The remote address and User-Agent: all the server knows of an anonymous discovery request.
   * Built only when asked (a discovery step, or a new flow while discovery steps wait).
   */
  peer: () => string;
}

/** What a step carried and what came back, as the HTTP layer hands it over (unparsed). */
export interface StepInput {
  endpoint: FlowEndpoint;
  peer: () => string;
  /** The query string of a GET (authorize, consent page). */
  query: string;
  form?: Record<string, string>;
  location: string;
  /** The response body as the route set it (an object for JSON answers). */
  body: unknown;
  state: { clientId?: unknown; interaction?: unknown; sub?: unknown; resource?: unknown };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * How much of a code or token names it as a link key: the end of its random part (a JWT's
 * signature, a code's or refresh token's secret), 11 characters, 66 random bits, for at most a
 * few hundred live keys. Short on purpose: V8 copies a slice or a concatenation of under 13
 * characters into a string of its own, while a longer one points into the token, and the index,
 * which keeps its keys until their flow rolls off, would keep every whole JWT (~1 KB) alive.
 */
const TOKEN_TAIL = 11;

/** Adds `kind` + `v` (a client id, an interaction id) to `keys` when there is a value. */
function addKey(keys: string[], kind: string, v: string | undefined): void {
  if (v) keys.push(kind + v);
}

/** Adds a code or token's link key: a one-letter kind and its tail (base64url has no ":", so it never meets a "reg:" or "ix:" key). */
function addTokenKey(keys: string[], kind: 'c' | 'r' | 'a', v: string | undefined): void {
  if (v) keys.push(kind + (v.length > TOKEN_TAIL ? v.slice(-TOKEN_TAIL) : v));
}

/** The code or consent prompt a redirect hands on (authorize and the consent decision). */
function addRedirectKeys(keys: string[], location: string): void {
  const q = redirectQuery(location);
  if (!q) return;
  addTokenKey(keys, 'c', q.get('code') ?? undefined);
  if (location.startsWith('/consent?')) addKey(keys, 'ix:', q.get('interaction') ?? undefined);
}

/** The tokens a token response hands on. */
function addTokenResponseKeys(keys: string[], body: unknown): void {
  if (!body || typeof body !== 'object') return;
  const b = body as { access_token?: unknown; refresh_token?: unknown };
  addTokenKey(keys, 'r', str(b.refresh_token));
  addTokenKey(keys, 'a', str(b.access_token));
}

export function stepFacts(i: StepInput): StepFacts {
  const f: StepFacts = { endpoint: i.endpoint, clientId: str(i.state.clientId), resource: str(i.state.resource), sub: str(i.state.sub), joins: [], joinOnce: [], provides: [], discovery: false, peer: i.peer };
  const form = i.form ?? {};
  switch (i.endpoint) {
    case 'register':
      addKey(f.provides, 'reg:', f.clientId);
      break;
    case 'authorize': {
      // The route usually knows client and resource already: the query is read only when it did not.
      let q: URLSearchParams | undefined;
      const query = (name: string) => str((q ??= new URLSearchParams(i.query)).get(name));
      f.clientId ??= str(form.client_id) ?? query('client_id');
      f.resource ??= str(form.resource) ?? query('resource');
      addKey(f.joinOnce, 'reg:', f.clientId);
      addRedirectKeys(f.provides, i.location);
      break;
    }
    case 'consent':
      addKey(f.joins, 'ix:', str(new URLSearchParams(i.query).get('interaction')));
      break;
    case 'decision':
      addKey(f.joins, 'ix:', str(form.interaction));
      addRedirectKeys(f.provides, i.location);
      break;
    case 'token':
      f.grantType = str(form.grant_type);
      f.resource ??= str(form.resource);
      if (f.grantType === 'refresh_token') addTokenKey(f.joins, 'r', str(form.refresh_token));
      else if (f.grantType === 'authorization_code') {
        addTokenKey(f.joins, 'c', str(form.code));
        addKey(f.joins, 'ix:', str(i.state.interaction));
      }
      addTokenResponseKeys(f.provides, i.body);
      break;
    case 'revoke':
    case 'introspect':
      addTokenKey(f.joins, 'r', str(form.token));
      addTokenKey(f.joins, 'a', str(form.token));
      break;
    case 'metadata':
    case 'jwks':
      f.discovery = true;
      break;
    default:
      break;
  }
  return f;
}

/** The kind of a flow a step starts. */
export function startKind(f: StepFacts): FlowKind {
  if (f.endpoint === 'register') return 'registration';
  if (f.endpoint === 'token' && f.grantType === 'client_credentials') return 'client_credentials';
  if (f.endpoint === 'token' && f.grantType === 'refresh_token') return 'refresh';
  if (f.endpoint === 'revoke' || f.endpoint === 'introspect') return 'refresh';
  return 'authorization_code';
}
