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

function key(prefix: string, v: string | undefined): string[] {
  return v ? [`${prefix}:${v}`] : [];
}

/** How much of a token names it in the index: its random tail (a JWT's signature, a code's or refresh token's secret). */
const TOKEN_TAIL = 32;

/**
 * A code or token as a link key: its random tail (a JWT's signature, a code's or refresh token's
 * secret) names it as well as the whole does.
 */
function tokenKey(prefix: string, v: string | undefined): string[] {
  return key(prefix, v && v.length > TOKEN_TAIL ? v.slice(-TOKEN_TAIL) : v);
}

/**
 * A key the index keeps (a code or token this step handed on), as a string of its own. The index
 * holds it until its flow rolls off; a slice, or `prefix:` + a slice, would keep the whole token
 * (a JWT is ~1 KB) alive with it. A regex replace builds a new flat string (V8 shares memory for
 * slices and concatenations), at a third of the cost of a round trip through a Buffer.
 */
function keptTokenKey(prefix: string, v: string | undefined): string[] {
  return tokenKey(prefix, v).map((k) => k.replace(/^/, ''));
}

/** The code or consent prompt a redirect hands on (authorize and the consent decision). */
function redirectProvides(location: string): string[] {
  const q = redirectQuery(location);
  if (!q) return [];
  return [...keptTokenKey('code', q.get('code') ?? undefined), ...(location.startsWith('/consent?') ? key('ix', q.get('interaction') ?? undefined) : [])];
}

/** The tokens a token response hands on. */
function tokenProvides(body: unknown): string[] {
  if (!body || typeof body !== 'object') return [];
  const b = body as { access_token?: unknown; refresh_token?: unknown };
  return [...keptTokenKey('rt', str(b.refresh_token)), ...keptTokenKey('at', str(b.access_token))];
}

export function stepFacts(i: StepInput): StepFacts {
  const f: StepFacts = { endpoint: i.endpoint, clientId: str(i.state.clientId), resource: str(i.state.resource), sub: str(i.state.sub), joins: [], joinOnce: [], provides: [], discovery: false, peer: i.peer };
  const form = i.form ?? {};
  switch (i.endpoint) {
    case 'register':
      f.provides = key('reg', f.clientId);
      break;
    case 'authorize': {
      // The route usually knows client and resource already: the query is read only when it did not.
      let q: URLSearchParams | undefined;
      const query = (name: string) => str((q ??= new URLSearchParams(i.query)).get(name));
      f.clientId ??= str(form.client_id) ?? query('client_id');
      f.resource ??= str(form.resource) ?? query('resource');
      f.joinOnce = key('reg', f.clientId);
      f.provides = redirectProvides(i.location);
      break;
    }
    case 'consent':
      f.joins = key('ix', str(new URLSearchParams(i.query).get('interaction')));
      break;
    case 'decision':
      f.joins = key('ix', str(form.interaction));
      f.provides = redirectProvides(i.location);
      break;
    case 'token':
      f.grantType = str(form.grant_type);
      f.resource ??= str(form.resource);
      f.joins = f.grantType === 'refresh_token' ? tokenKey('rt', str(form.refresh_token)) : f.grantType === 'authorization_code' ? [...tokenKey('code', str(form.code)), ...key('ix', str(i.state.interaction))] : [];
      f.provides = tokenProvides(i.body);
      break;
    case 'revoke':
    case 'introspect':
      f.joins = [...tokenKey('rt', str(form.token)), ...tokenKey('at', str(form.token))];
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
