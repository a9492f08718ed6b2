/**
 * The doctor's walk: what an MCP client does against an MCP server protected by AuthPlane, one
 * step at a time, each ending ✓ / ✗ / ! / - with what was seen and, on a problem, the exact
 * fix. Steps whose input an earlier failure took away are skipped, not failed, so the first ✗
 * is the one to fix.
 *
 * Framework-free: fetch (injectable) and the AuthPlane admin API. The CLI prints the report;
 * the desktop window shows the same steps.
 */
import { VERSION } from '../admin/version';
import { audiences } from '../contracts/common';
import type { DoctorReport, DoctorStep, DoctorStepId } from '../contracts/doctor';
import type { Resource } from '../contracts/resources';
import { closestResource, describeDifference } from '../domain/resourceMatch';
import { prmUrl as wellKnownPrmUrl } from '../sdk/prm';
import { initializeBody, jwtPayload, MCP_ACCEPT, NetworkError, parseBearerChallenge, pkce, request, type DoctorFetch, type HttpResult } from './http';
import { locateAuthPlane, quote } from './locate';

export interface DoctorOptions {
  /** The MCP endpoint clients connect to, e.g. http://127.0.0.1:3001/mcp. */
  mcpUrl: string;
  /** AuthPlane's issuer (with `adminToken`, no data dir is needed: the desktop window's case). */
  issuer?: string;
  /** Data dir of the running `authserver serve`: its runtime file and admin token are read. */
  dataDir?: string;
  adminToken?: string;
  fetch?: DoctorFetch;
  /** Called as each step finishes (the CLI prints them live). */
  onStep?: (step: DoctorStep) => void;
}

/** The public test client the doctor registers (once) to obtain a token. */
export const DOCTOR_CLIENT_ID = 'authplane-doctor';
/** Loopback, never listened on: the doctor reads the code from the redirect's Location. */
export const DOCTOR_REDIRECT_URI = 'http://127.0.0.1/authplane-doctor/callback';

export class DoctorInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DoctorInputError';
  }
}

type Outcome = { status: 'pass' | 'fail' | 'warn'; detail: string; fix?: string; compared?: DoctorStep['compared'] };
const pass = (detail: string): Outcome => ({ status: 'pass', detail });
const fail = (detail: string, fix?: string, compared?: DoctorStep['compared']): Outcome => ({ status: 'fail', detail, fix, compared });
const warn = (detail: string, fix?: string): Outcome => ({ status: 'warn', detail, fix });

class Skip {
  constructor(readonly reason: string) {}
}
function need(cond: unknown, reason: string): asserts cond {
  if (!cond) throw new Skip(reason);
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const oauthError = (r: HttpResult): string => {
  const j = isObject(r.json) ? r.json : {};
  const e = str(j.error);
  const d = str(j.error_description);
  return e ? `${e}${d ? `: ${d}` : ''}` : `HTTP ${r.status}${r.text ? `: ${r.text.slice(0, 200).replace(/\s+/g, ' ')}` : ''}`;
};

interface Ctx {
  mcpUrl: string;
  f: DoctorFetch;
  flag: string;
  issuer?: string;
  adminToken?: string;
  authplaneOk: boolean;
  mcpDown: boolean;
  unauth?: HttpResult;
  challengeUrl?: string;
  challengeScope?: string;
  prmUrl?: string;
  prm?: Json;
  prmResource?: string;
  prmServers?: string[];
  resource?: Resource;
  match?: 'exact' | 'normalized' | 'closest';
  asMeta?: Json;
  token?: string;
  tokenClaims?: Json;
  /** The PRM resource covers the endpoint (else clients refuse it, and so does the doctor: no token goes there). */
  resourceCovers: boolean;
  /** The server accepted a valid token: only then does a refusal of a bad one prove anything. */
  validAccepted: boolean;
}

/** URL-level normalisation only (what AuthPlane's resource matching tolerates). */
const urlNormalized = (uri: string): string | undefined => {
  try {
    const u = new URL(uri);
    return `${u.protocol}//${u.host}${u.pathname}${u.search}`;
  } catch {
    return undefined;
  }
};

/** Loose comparison for "did you mean": also ignores trailing slashes. */
const normalizeUri = (uri: string): string | undefined => {
  try {
    const u = new URL(uri);
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '') || ''}${u.search}`;
  } catch {
    return undefined;
  }
};

/** The SDK clients' rule (checkResourceAllowed): same origin, and the resource path a prefix of the endpoint's. */
function resourceCovers(resource: string, endpoint: string): boolean {
  try {
    const r = new URL(resource);
    const e = new URL(endpoint);
    if (r.origin !== e.origin) return false;
    const slash = (p: string) => (p.endsWith('/') ? p : `${p}/`);
    return slash(e.pathname).startsWith(slash(r.pathname));
  } catch {
    return false;
  }
}

/** RFC 8414 §3.1: the well-known segment goes between the host and the issuer's path. */
function asMetadataUrl(issuer: string): string {
  const u = new URL(issuer);
  const path = u.pathname.replace(/\/+$/, '');
  return `${u.origin}/.well-known/oauth-authorization-server${path}`;
}

/** Throws DoctorInputError unless `url` is an absolute http(s) URL without a fragment. */
export function assertMcpUrl(url: string): void {
  let endpoint: URL;
  try {
    endpoint = new URL(url);
  } catch {
    throw new DoctorInputError(`"${url}" is not a URL; pass the MCP endpoint, e.g. http://127.0.0.1:3001/mcp`);
  }
  if (endpoint.protocol !== 'http:' && endpoint.protocol !== 'https:') throw new DoctorInputError(`"${url}" is not an http(s) URL`);
  if (endpoint.hash) throw new DoctorInputError(`"${url}" has a fragment; pass the MCP endpoint without "#…"`);
}

export async function runDoctor(opts: DoctorOptions): Promise<DoctorReport> {
  assertMcpUrl(opts.mcpUrl);
  const started = Date.now();
  const f: DoctorFetch = opts.fetch ?? ((input, init) => fetch(input, init));
  const ctx: Ctx = { mcpUrl: opts.mcpUrl, f, flag: opts.dataDir ? ` --data-dir ${quote(opts.dataDir)}` : '', authplaneOk: false, mcpDown: false, resourceCovers: false, validAccepted: false };
  const steps: DoctorStep[] = [];

  const step = async (id: DoctorStepId, title: string, fn: () => Promise<Outcome>) => {
    const t0 = Date.now();
    let s: Omit<DoctorStep, 'duration_ms'>;
    try {
      const o = await fn();
      s = { id, title, status: o.status, detail: o.detail, ...(o.fix ? { fix: o.fix } : {}), ...(o.compared ? { compared: o.compared } : {}) };
    } catch (err) {
      if (err instanceof Skip) s = { id, title, status: 'skip', detail: err.reason };
      else if (err instanceof NetworkError) s = { id, title, status: 'fail', detail: err.message, fix: 'check that the server is running and reachable from this machine' };
      else s = { id, title, status: 'fail', detail: `the doctor could not complete this step: ${(err as Error)?.message ?? String(err)}` };
    }
    const done: DoctorStep = { ...s, duration_ms: Date.now() - t0 };
    steps.push(done);
    opts.onStep?.(done);
  };

  const admin = (path: string, init: { method?: string; json?: unknown } = {}) =>
    request(f, `${ctx.issuer}/admin/api${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${ctx.adminToken}`, accept: 'application/json', ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: init.json !== undefined ? JSON.stringify(init.json) : undefined,
    });

  const callMcp = (token?: string) =>
    request(f, ctx.mcpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: MCP_ACCEPT, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: initializeBody(VERSION),
    });

  // 1. AuthPlane itself.
  await step('authplane', 'AuthPlane is running', async () => {
    const t = await locateAuthPlane(opts);
    ctx.issuer = t.issuer;
    ctx.adminToken = t.adminToken;
    if (t.problem) return fail(t.problem, t.fix);
    let r: HttpResult;
    try {
      r = await admin('/status');
    } catch (err) {
      if (err instanceof NetworkError) return fail(`cannot reach AuthPlane at ${ctx.issuer}: ${err.reason}`, `start it: authserver serve${ctx.flag}`);
      throw err;
    }
    if (r.status === 401) return fail(`AuthPlane at ${ctx.issuer} refused the admin token`, 'pass the data dir of the server running at that address');
    if (r.status !== 200 || !isObject(r.json)) return fail(`${ctx.issuer}/admin/api/status answered ${oauthError(r)}`, `is ${ctx.issuer} an AuthPlane server? Start one: authserver serve${ctx.flag}`);
    ctx.authplaneOk = true;
    const mode = str(r.json.consent_mode);
    const user = str(r.json.default_user);
    return pass(`${ctx.issuer} (consent: ${mode === 'auto' ? `auto, as "${user}"` : `${mode ?? 'unknown'}; the doctor approves its own request through the admin API`})`);
  });

  // 2. The MCP endpoint without a token.
  await step('unauthenticated', 'MCP server answers 401 to a request without a token', async () => {
    let r: HttpResult;
    try {
      r = await callMcp();
    } catch (err) {
      if (!(err instanceof NetworkError)) throw err;
      ctx.mcpDown = true;
      return fail(`cannot reach your MCP server at ${ctx.mcpUrl}: ${err.reason}`, 'start your MCP server, or check the URL: it is the MCP endpoint clients connect to, e.g. http://127.0.0.1:3001/mcp');
    }
    ctx.unauth = r;
    const protect = 'reject requests without a valid AuthPlane token with 401 and `WWW-Authenticate: Bearer resource_metadata="…"` (SDK adapter: requireBearerAuth({ verifier: mcpTokenVerifier(createResourceVerifier({ issuer, resource })), resourceMetadataUrl }))';
    if (r.status === 401) return pass('HTTP 401 to an MCP initialize request without a token');
    if (r.status >= 200 && r.status < 300) return fail(`your server answered HTTP ${r.status} to an MCP initialize request without a token: it does not require authorization, so clients never start OAuth`, `protect the endpoint: ${protect}`);
    if (r.status === 403) return fail('your server answered 403 to a request without a token; clients start authorization only on 401', 'a missing token is 401 (RFC 6750 §3.1); keep 403 for a token that lacks a scope (insufficient_scope)');
    if (r.status >= 300 && r.status < 400) return fail(`your server answered HTTP ${r.status} redirecting to ${r.headers.get('location') ?? '(no Location)'}; MCP clients do not follow redirects to authenticate`, `answer 401 with a challenge instead; if the endpoint moved, run the doctor on the new URL`);
    if (r.status === 404 || r.status === 405) return fail(`your server answered HTTP ${r.status}: ${ctx.mcpUrl} does not look like its MCP endpoint`, 'pass the URL MCP clients connect to (the streamable HTTP endpoint, e.g. http://127.0.0.1:3001/mcp)');
    return fail(`your server answered HTTP ${r.status} to a request without a token`, `answer 401: ${protect}`);
  });

  // 3. The challenge and its resource_metadata.
  await step('challenge', '401 carries a Bearer challenge with resource_metadata', async () => {
    need(!ctx.mcpDown, 'the MCP server is unreachable');
    need(ctx.unauth?.status === 401, 'the server did not answer 401');
    const expected = wellKnownPrmUrl(ctx.mcpUrl);
    const h = ctx.unauth.headers.get('www-authenticate');
    if (!h) return fail('the 401 has no WWW-Authenticate header', `add \`WWW-Authenticate: Bearer resource_metadata="${expected}"\` to every 401 (RFC 9728 §5.1): it is how clients find your Protected Resource Metadata`);
    const c = parseBearerChallenge(h);
    if (!c) return fail(`WWW-Authenticate has no Bearer challenge: ${h}`, `use the Bearer scheme: \`WWW-Authenticate: Bearer resource_metadata="${expected}"\``);
    ctx.challengeScope = c.params.scope || undefined;
    const rm = c.params.resource_metadata;
    if (!rm) return fail(`the challenge has no resource_metadata parameter: ${h}`, `add resource_metadata="${expected}" to the challenge: 2025-06-18 clients find the PRM only through it (newer ones guess the well-known URL)`);
    let u: URL;
    try {
      u = new URL(rm);
    } catch {
      return fail(`resource_metadata "${rm}" is not an absolute URL`, `send the absolute URL: resource_metadata="${expected}"`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return fail(`resource_metadata "${rm}" is not an http(s) URL`, `send resource_metadata="${expected}"`);
    ctx.challengeUrl = rm;
    return pass(`Bearer challenge with resource_metadata="${rm}"${ctx.challengeScope ? ` and scope="${ctx.challengeScope}"` : ''}`);
  });

  // 4. The Protected Resource Metadata document.
  await step('prm', 'Protected Resource Metadata (RFC 9728) is served', async () => {
    need(!ctx.mcpDown, 'the MCP server is unreachable');
    const candidates = ctx.challengeUrl ? [ctx.challengeUrl] : [...new Set([wellKnownPrmUrl(ctx.mcpUrl), `${new URL(ctx.mcpUrl).origin}/.well-known/oauth-protected-resource`])];
    const tried: Array<{ url: string; why: string }> = [];
    let found: { url: string; r: HttpResult } | undefined;
    for (const url of candidates) {
      let r: HttpResult;
      try {
        r = await request(f, url, { headers: { accept: 'application/json' } });
      } catch (err) {
        if (!(err instanceof NetworkError)) throw err;
        tried.push({ url, why: err.reason });
        continue;
      }
      if (r.status === 200) {
        found = { url, r };
        break;
      }
      tried.push({ url, why: `HTTP ${r.status}` });
    }
    const sample = `{"resource": "${ctx.mcpUrl}", "authorization_servers": ["${ctx.issuer ?? '<AuthPlane issuer>'}"], "scopes_supported": [...]}`;
    if (!found) {
      return fail(
        ctx.challengeUrl ? `the challenge names ${ctx.challengeUrl} but it answers ${tried[0]!.why}` : `no Protected Resource Metadata at ${tried.map((t) => `${t.url} (${t.why})`).join(' or ')}`,
        `serve the document at ${wellKnownPrmUrl(ctx.mcpUrl)} (and name it in resource_metadata): ${sample} (SDK adapter: mountProtectedResourceMetadata)`,
      );
    }
    ctx.prmUrl = found.url;
    const doc = found.r.json;
    if (!isObject(doc)) return fail(`${found.url} is not a JSON object (content-type ${found.r.headers.get('content-type') ?? 'none'})`, `serve JSON: ${sample}`);
    ctx.prm = doc;
    const problems: string[] = [];
    const fixes: string[] = [];
    if (typeof doc.resource === 'string' && doc.resource) ctx.prmResource = doc.resource;
    else {
      problems.push('it has no "resource" string');
      fixes.push(`add "resource": "${ctx.mcpUrl}" (exactly the URI registered in AuthPlane)`);
    }
    const servers = doc.authorization_servers;
    if (Array.isArray(servers) && servers.length > 0 && servers.every((x) => typeof x === 'string')) ctx.prmServers = servers as string[];
    else {
      problems.push(`its "authorization_servers" is ${servers === undefined ? 'missing' : JSON.stringify(servers)}, so clients cannot find AuthPlane`);
      fixes.push(`add "authorization_servers": ["${ctx.issuer ?? '<AuthPlane issuer>'}"]`);
    }
    const where = ctx.challengeUrl ? found.url : `${found.url} (found at the well-known URL)`;
    if (problems.length) return fail(`the PRM at ${where}: ${problems.join('; ')}`, fixes.join('; '));
    return pass(`${where}: resource "${ctx.prmResource}", authorization_servers ${JSON.stringify(ctx.prmServers)}`);
  });

  // 5. The resource must cover the endpoint, or SDK clients refuse it.
  await step('prm_resource_url', 'PRM `resource` is the MCP endpoint (or a parent of it)', async () => {
    need(ctx.prmResource, 'no PRM resource to check');
    const r = ctx.prmResource;
    ctx.resourceCovers = resourceCovers(r, ctx.mcpUrl);
    if (r === ctx.mcpUrl) return pass(`"${r}" is the MCP endpoint URL`);
    let u: URL;
    try {
      u = new URL(r);
    } catch {
      return fail(`"resource" is "${r}", not an absolute URL`, `publish the URL clients connect to: "resource": "${ctx.mcpUrl}"`);
    }
    if (u.hash) return fail(`"resource" "${r}" has a fragment, which RFC 8707 forbids`, `publish "resource": "${ctx.mcpUrl}"`);
    if (ctx.resourceCovers) return pass(`"${r}" covers ${ctx.mcpUrl} (same origin, path prefix): clients accept it`);
    return fail(`your PRM's resource "${r}" is neither the MCP endpoint ${ctx.mcpUrl} nor a parent of it: the MCP SDK clients refuse to use it`, `publish the URL clients connect to: "resource": "${ctx.mcpUrl}" (and register exactly that in AuthPlane)`);
  });

  // 6. The resource string, byte for byte, against the registration.
  await step('resource_registered', 'PRM `resource` is registered in AuthPlane byte for byte', async () => {
    need(ctx.prmResource, 'no PRM resource to compare');
    need(ctx.authplaneOk, 'AuthPlane is not reachable with an admin token');
    const r = await admin('/resources');
    if (r.status !== 200 || !Array.isArray(r.json)) return fail(`listing AuthPlane's resources failed: ${oauthError(r)}`);
    const all = r.json as Resource[];
    const published = ctx.prmResource;
    const exact = all.find((x) => x.uri === published);
    if (exact) {
      ctx.resource = exact;
      ctx.match = 'exact';
      return pass(`"${published}" is resource ${exact.slug}`);
    }
    // What AuthPlane itself tolerates (server/domain/resourceMatch.ts): scheme/host case, default port, "/" on an origin.
    const n = urlNormalized(published);
    const tolerated = n ? all.find((x) => urlNormalized(x.uri) === n) : undefined;
    const origin = (() => {
      try {
        return new URL(published).origin;
      } catch {
        return undefined;
      }
    })();
    const sameOrigin = all.filter((x) => {
      try {
        return new URL(x.uri).origin === origin;
      } catch {
        return false;
      }
    });
    const near = tolerated ?? closestResource(published, sameOrigin);
    if (near) {
      ctx.resource = near;
      ctx.match = tolerated ? 'normalized' : 'closest';
      const how = tolerated
        ? `AuthPlane accepts the difference in the authorization request but mints aud "${near.uri}", which your server compares with "${published}"`
        : `${describeDifference(published, near.uri)}, so AuthPlane refuses "${published}" (invalid_target)`;
      return fail(
        `your server publishes ${published} but the resource is registered as ${near.uri} (${near.slug}): ${how}`,
        `make the two strings identical, character for character: publish "resource": "${near.uri}" in your PRM and verify aud against it, or re-register: authserver admin resource update ${near.slug}${ctx.flag} --uri ${quote(published)}`,
        { label: `registered URI (${near.slug})`, expected: near.uri, actual: published },
      );
    }
    return fail(
      `no resource is registered as ${published}${all.length ? ` (registered: ${all.map((x) => x.uri).join(', ')})` : ''}`,
      `register it: authserver admin resource create${ctx.flag} --slug <name> --uri ${quote(published)} --scopes 'read||Read access'`,
    );
  });

  // 7. authorization_servers, byte for byte, against the issuer.
  await step('authorization_servers', 'PRM `authorization_servers` names this AuthPlane issuer', async () => {
    need(ctx.prmServers, 'no authorization_servers to compare');
    need(ctx.issuer, 'the AuthPlane issuer is unknown');
    const issuer = ctx.issuer;
    const list = ctx.prmServers;
    if (list[0] === issuer) return pass(`"${issuer}"${list.length > 1 ? ` (first of ${list.length}; clients use the first)` : ''}`);
    const fix = `list the issuer exactly as AuthPlane prints it: "authorization_servers": ["${issuer}"]`;
    if (list.includes(issuer)) return fail(`"${issuer}" is listed, but not first (${JSON.stringify(list)}): MCP clients use the first entry`, fix);
    const loose = (s: string) => normalizeUri(s.replace('://localhost', '://127.0.0.1'));
    const near = list.find((x) => loose(x) === loose(issuer));
    if (near) return fail(`your server lists ${near} but AuthPlane's issuer is ${issuer} (${describeDifference(near, issuer)}): clients compare the issuer byte for byte (RFC 8414 §3.3) and give up`, fix, { label: 'issuer', expected: issuer, actual: near });
    return fail(`your server sends clients to ${list[0]}, not to this AuthPlane (${issuer})`, fix);
  });

  // 8. Scopes the client will ask for must exist on the resource.
  await step('scopes', 'Advertised scopes are defined on the resource', async () => {
    need(ctx.prm, 'no PRM');
    need(ctx.resource, 'no registered resource to compare with');
    const res = ctx.resource;
    const catalog = res.scopes.map((x) => x.name);
    const ss = ctx.prm.scopes_supported;
    if (ss !== undefined && (!Array.isArray(ss) || ss.some((x) => typeof x !== 'string'))) return fail(`scopes_supported is ${JSON.stringify(ss)}, not a list of strings`, `publish "scopes_supported": ${JSON.stringify(catalog)}`);
    const advertised = (ss as string[] | undefined) ?? [];
    const challenged = (ctx.challengeScope ?? '').split(' ').filter(Boolean);
    const unknown = [...new Set([...advertised, ...challenged])].filter((x) => !catalog.includes(x) && x !== 'offline_access');
    if (unknown.length) {
      const src = unknown.map((x) => (advertised.includes(x) ? `"${x}" (scopes_supported)` : `"${x}" (the 401's scope)`)).join(', ');
      const flags = [...catalog, ...unknown].map((x) => `--scopes ${quote(`${x}||`)}`).join(' ');
      return fail(
        `your server advertises ${src}, which resource ${res.slug} does not define (it defines: ${catalog.join(' ') || 'none'}): clients ask for it and AuthPlane refuses the request (invalid_scope)`,
        `define it (authserver admin resource update ${res.slug}${ctx.flag} ${flags}) or stop advertising it`,
      );
    }
    if (ss === undefined) return pass(`no scopes_supported: clients ask for no scope and AuthPlane grants all of ${res.slug}'s (${catalog.join(' ') || 'none'})`);
    const missing = catalog.filter((x) => !advertised.includes(x));
    if (missing.length) return warn(`resource ${res.slug} defines ${missing.join(' ')}, which the PRM does not advertise: clients will not ask for it`, `list every scope: "scopes_supported": ${JSON.stringify(catalog)}`);
    return pass(advertised.join(' ') || '(none)');
  });

  // 9. AS metadata, as a client finds it from authorization_servers[0].
  await step('as_metadata', 'Authorization server metadata (RFC 8414)', async () => {
    const as = ctx.issuer ?? ctx.prmServers?.[0];
    need(as, 'no authorization server to ask');
    let url: string;
    try {
      url = asMetadataUrl(as);
    } catch {
      return fail(`"${as}" is not a URL`);
    }
    let r: HttpResult;
    try {
      r = await request(f, url, { headers: { accept: 'application/json' } });
    } catch (err) {
      if (err instanceof NetworkError) return fail(`cannot reach ${url}: ${err.reason}`, ctx.issuer ? `start AuthPlane: authserver serve${ctx.flag}` : undefined);
      throw err;
    }
    if (r.status !== 200 || !isObject(r.json)) return fail(`${url} answered ${oauthError(r)}`);
    const m = r.json;
    const problems: string[] = [];
    if (m.issuer !== as) problems.push(`its issuer is ${JSON.stringify(m.issuer)}, not "${as}" (clients reject a mismatch, RFC 8414 §3.3)`);
    for (const k of ['authorization_endpoint', 'token_endpoint', 'jwks_uri']) if (typeof m[k] !== 'string') problems.push(`${k} is missing`);
    if (!(Array.isArray(m.code_challenge_methods_supported) && m.code_challenge_methods_supported.includes('S256'))) problems.push('code_challenge_methods_supported lacks S256');
    if (!(Array.isArray(m.response_types_supported) && m.response_types_supported.includes('code'))) problems.push('response_types_supported lacks code');
    if (problems.length) return fail(`${url}: ${problems.join('; ')}`);
    ctx.asMeta = m;
    return pass(`${url}: issuer "${m.issuer}", PKCE S256${typeof m.registration_endpoint === 'string' ? ', dynamic registration' : ''}${m.client_id_metadata_document_supported === true ? ', client ID metadata documents' : ''}`);
  });

  // 10. JWKS: what the MCP server verifies signatures with.
  await step('jwks', 'JWKS is published', async () => {
    need(ctx.asMeta, 'no authorization server metadata');
    const url = String(ctx.asMeta.jwks_uri);
    const r = await request(f, url, { headers: { accept: 'application/json' } });
    if (r.status !== 200 || !isObject(r.json) || !Array.isArray(r.json.keys)) return fail(`${url} answered ${oauthError(r)}`);
    const keys = (r.json.keys as unknown[]).filter(isObject);
    if (keys.length === 0) return fail(`${url} has no keys`, 'rotate a key: authserver admin key rotate');
    const noKid = keys.filter((k) => typeof k.kid !== 'string').length;
    if (noKid) return fail(`${noKid} key(s) in ${url} have no kid`);
    return pass(`${url}: ${keys.map((k) => `${String(k.alg ?? k.kty)} ${String(k.kid)}`).join(', ')}`);
  });

  // 11. A real token, the way a client gets one.
  await step('token', 'A test client obtains a token (authorization code + PKCE)', async () => {
    need(ctx.authplaneOk, 'AuthPlane is not reachable with an admin token');
    need(ctx.asMeta, 'no authorization server metadata');
    need(ctx.resource && ctx.prmResource, 'the PRM resource is not registered in AuthPlane');
    need(ctx.match !== 'closest', `AuthPlane would refuse resource "${ctx.prmResource}" (invalid_target); fix the registration first`);
    need(ctx.resourceCovers, `a token for "${ctx.prmResource}" must not be sent to ${ctx.mcpUrl}, which that resource does not cover`);
    await ensureDoctorClient(admin);
    const meta = ctx.asMeta;
    const catalog = ctx.resource.scopes.map((x) => x.name);
    // What a client asks for: the challenge's scope, else the PRM's (unknown ones were reported above).
    const wanted = (ctx.challengeScope || (Array.isArray(ctx.prm?.scopes_supported) ? (ctx.prm.scopes_supported as string[]).join(' ') : '')).split(' ').filter((x) => catalog.includes(x));
    const { verifier, challenge, state } = await pkce();
    const authz = new URL(String(meta.authorization_endpoint));
    const q = authz.searchParams;
    q.set('response_type', 'code');
    q.set('client_id', DOCTOR_CLIENT_ID);
    q.set('redirect_uri', DOCTOR_REDIRECT_URI);
    q.set('code_challenge', challenge);
    q.set('code_challenge_method', 'S256');
    q.set('state', state);
    q.set('resource', ctx.prmResource);
    if (wanted.length) q.set('scope', wanted.join(' '));
    const r = await request(f, authz.toString(), { headers: { accept: 'application/json' } });
    const location = r.headers.get('location');
    if (r.status < 300 || r.status >= 400 || !location) return fail(`AuthPlane refused the authorization request: ${oauthError(r)}`);
    let cb = new URL(location, authz);
    let approved = false;
    const interaction = cb.searchParams.get('interaction');
    if (!cb.href.startsWith(DOCTOR_REDIRECT_URI) && interaction) {
      // Prompt mode: decide the pending consent through the admin API, as the desktop window would.
      const d = await admin(`/interactions/${encodeURIComponent(interaction)}/decision`, { method: 'POST', json: { action: 'approve' } });
      if (d.status !== 200 || !isObject(d.json) || typeof d.json.redirect !== 'string') return fail(`approving the consent prompt through the admin API failed: ${oauthError(d)}`);
      cb = new URL(d.json.redirect);
      approved = true;
    }
    if (!cb.href.startsWith(DOCTOR_REDIRECT_URI)) return fail(`AuthPlane redirected to ${cb.href}, not to the test client's redirect URI`);
    const err = cb.searchParams.get('error');
    if (err) return fail(`AuthPlane answered ${err}: ${cb.searchParams.get('error_description') ?? ''}`);
    if (cb.searchParams.get('state') !== state) return fail('AuthPlane did not return the request state');
    const code = cb.searchParams.get('code');
    if (!code) return fail('the redirect carries no code');
    const form = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: DOCTOR_REDIRECT_URI, code_verifier: verifier, client_id: DOCTOR_CLIENT_ID, resource: ctx.prmResource });
    const t = await request(f, String(meta.token_endpoint), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: form.toString() });
    if (t.status !== 200 || !isObject(t.json) || typeof t.json.access_token !== 'string') return fail(`the token endpoint answered ${oauthError(t)}`);
    ctx.token = t.json.access_token;
    ctx.tokenClaims = jwtPayload(ctx.token) ?? {};
    const c = ctx.tokenClaims;
    return pass(`aud "${audiences(c.aud).join('", "')}", scope "${String(c.scope ?? t.json.scope ?? '')}", sub "${String(c.sub)}", expires in ${String(t.json.expires_in)} s (client ${DOCTOR_CLIENT_ID}${approved ? '; consent approved through the admin API' : ''})`);
  });

  // 12. The server accepts it.
  await step('call_with_token', 'MCP server accepts the token', async () => {
    need(ctx.token, 'no token was obtained');
    need(!ctx.mcpDown, 'the MCP server is unreachable');
    const r = await callMcp(ctx.token);
    const aud = audiences(ctx.tokenClaims?.aud)[0] ?? String(ctx.resource?.uri);
    if (r.status >= 200 && r.status < 300) {
      await endSession(f, ctx.mcpUrl, r, ctx.token);
      ctx.validAccepted = true;
      const info = serverInfo(r);
      return pass(`HTTP ${r.status}: initialize succeeded${info ? ` (${info})` : ''}`);
    }
    const c = parseBearerChallenge(r.headers.get('www-authenticate'));
    const why = c?.params.error_description ?? c?.params.error ?? oauthError(r);
    if (r.status === 401) {
      const fix =
        ctx.match === 'normalized'
          ? `the token's aud is "${aud}" (the registered URI) but your server publishes "${ctx.prmResource}": make them identical (see the resource step)`
          : `accept AuthPlane tokens: iss "${ctx.issuer}", aud "${aud}" byte for byte, typ at+jwt, signed by a key from ${String(ctx.asMeta?.jwks_uri)} (SDK adapter: createResourceVerifier({ issuer: "${ctx.issuer}", resource: "${aud}" }))`;
      return fail(`your server rejected a valid token AuthPlane issued for ${aud}: ${why}`, fix);
    }
    if (r.status === 403) return fail(`your server answered 403 to initialize with a token carrying scope "${String(ctx.tokenClaims?.scope ?? '')}": ${why}`, 'do not require a scope for initialize (check scopes per tool), or advertise the needed scope in scopes_supported so clients ask for it');
    return fail(`your server answered HTTP ${r.status} to initialize with a valid token: ${why}`);
  });

  // 13–14. Tokens it must refuse.
  for (const kind of ['wrong_audience', 'expired'] as const) {
    const title = kind === 'wrong_audience' ? 'MCP server rejects a token issued for another audience' : 'MCP server rejects an expired token';
    await step(kind, title, async () => {
      need(ctx.authplaneOk, 'AuthPlane is not reachable with an admin token');
      need(ctx.resource, 'the PRM resource is not registered in AuthPlane');
      need(!ctx.mcpDown, 'the MCP server is unreachable');
      need(ctx.validAccepted, 'the server does not accept a valid token yet, so refusing this one would prove nothing');
      const m = await admin('/tokens/mint-test', { method: 'POST', json: { resource: ctx.resource.slug, kind, client_id: DOCTOR_CLIENT_ID } });
      if (m.status === 404 && isObject(m.json) && m.json.error === 'not_found' && /no admin route/.test(String(m.json.error_description))) throw new Skip('this AuthPlane cannot mint test tokens (update it)');
      if (m.status !== 200 || !isObject(m.json) || typeof m.json.access_token !== 'string') return fail(`minting the test token failed: ${oauthError(m)}`);
      const aud = String(m.json.aud);
      const exp = Number(m.json.exp);
      const r = await callMcp(m.json.access_token);
      const c = parseBearerChallenge(r.headers.get('www-authenticate'));
      const said = c?.params.error ? `${c.params.error}${c.params.error_description ? `: ${c.params.error_description}` : ''}` : undefined;
      if (r.status === 401) return pass(`HTTP 401${said ? ` ${said}` : ''}`);
      if (r.status === 403) return warn(`refused, but with HTTP 403${said ? ` ${said}` : ''}; an invalid token is 401 invalid_token (RFC 6750 §3.1), which tells clients to refresh or re-authorize`, 'answer 401 with `WWW-Authenticate: Bearer error="invalid_token"`');
      if (r.status >= 200 && r.status < 300) {
        await endSession(f, ctx.mcpUrl, r, m.json.access_token);
        const res = ctx.resource.uri;
        return kind === 'wrong_audience'
          ? fail(
              `your server accepted a token whose aud is ${aud}, not ${res}: a token issued for any other server would work on yours`,
              `verify aud equals "${res}" byte for byte (jose: jwtVerify(token, jwks, { issuer: "${ctx.issuer}", audience: "${res}" }); SDK adapter: createResourceVerifier({ issuer, resource: "${res}" }))`,
            )
          : fail(
              `your server accepted a token that expired at ${new Date(exp * 1000).toISOString()} (an hour ago)`,
              'check exp, allowing at most a small clock skew (jose: jwtVerify checks it; the MCP SDK\'s requireBearerAuth needs AuthInfo.expiresAt set to do it)',
            );
      }
      return fail(`your server answered HTTP ${r.status} to an invalid token`, 'answer 401 with `WWW-Authenticate: Bearer error="invalid_token", resource_metadata="…"`');
    });
  }

  // Leave nothing usable behind: revoke the doctor's token (best effort).
  if (ctx.token && typeof ctx.asMeta?.revocation_endpoint === 'string') {
    await request(f, ctx.asMeta.revocation_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: ctx.token, client_id: DOCTOR_CLIENT_ID }).toString(),
    }).catch(() => undefined);
  }

  const summary = { pass: 0, fail: 0, warn: 0, skip: 0 };
  for (const s of steps) summary[s.status]++;
  return {
    ok: summary.fail === 0,
    mcp_url: opts.mcpUrl,
    issuer: ctx.issuer ?? null,
    prm_url: ctx.prmUrl ?? null,
    resource: ctx.resource ? { slug: ctx.resource.slug, uri: ctx.resource.uri } : null,
    steps,
    summary,
    started_at: new Date(started).toISOString(),
    duration_ms: Date.now() - started,
  };
}

/** Creates the doctor's public client once; repairs it if someone edited it. */
async function ensureDoctorClient(admin: (path: string, init?: { method?: string; json?: unknown }) => Promise<HttpResult>): Promise<void> {
  const want = { redirect_uris: [DOCTOR_REDIRECT_URI], grant_types: ['authorization_code'], scope: [] as string[], status: 'active' };
  const r = await admin(`/clients/${encodeURIComponent(DOCTOR_CLIENT_ID)}`);
  if (r.status === 404) {
    const c = await admin('/clients', {
      method: 'POST',
      json: { client_name: 'AuthPlane doctor (test client)', client_id: DOCTOR_CLIENT_ID, redirect_uris: want.redirect_uris, grant_types: want.grant_types, token_endpoint_auth_method: 'none' },
    });
    if (c.status !== 201) throw new Error(`could not register the test client ${DOCTOR_CLIENT_ID}: ${oauthError(c)}`);
    return;
  }
  if (r.status !== 200 || !isObject(r.json)) throw new Error(`could not read the test client ${DOCTOR_CLIENT_ID}: ${oauthError(r)}`);
  const cur = r.json;
  if (cur.token_endpoint_auth_method !== 'none') throw new Error(`client "${DOCTOR_CLIENT_ID}" exists but is not a public client; delete it (authserver admin client delete ${DOCTOR_CLIENT_ID}) and the doctor recreates it`);
  const same = JSON.stringify(cur.redirect_uris) === JSON.stringify(want.redirect_uris) && Array.isArray(cur.grant_types) && cur.grant_types.includes('authorization_code') && Array.isArray(cur.scope) && cur.scope.length === 0 && cur.status === 'active';
  if (!same) {
    const p = await admin(`/clients/${encodeURIComponent(DOCTOR_CLIENT_ID)}`, { method: 'PATCH', json: want });
    if (p.status !== 200) throw new Error(`could not repair the test client ${DOCTOR_CLIENT_ID}: ${oauthError(p)}`);
  }
}

/** A stateful server opened a session for our initialize: close it (best effort). */
async function endSession(f: DoctorFetch, url: string, r: HttpResult, token: string): Promise<void> {
  const sid = r.headers.get('mcp-session-id');
  if (!sid) return;
  await request(f, url, { method: 'DELETE', headers: { authorization: `Bearer ${token}`, 'mcp-session-id': sid } }).catch(() => undefined);
}

/** `name version` from an initialize result, as JSON or as the SSE event carrying it. */
function serverInfo(r: HttpResult): string | undefined {
  let msg: unknown = r.json;
  if (msg === undefined) {
    const data = r.text
      .split('\n')
      .filter((l) => l.startsWith('data:'))
      .map((l) => l.slice(5).trim())
      .join('');
    try {
      msg = JSON.parse(data);
    } catch {
      return undefined;
    }
  }
  const info = isObject(msg) && isObject(msg.result) && isObject(msg.result.serverInfo) ? msg.result.serverInfo : undefined;
  return info ? `${String(info.name)} ${String(info.version ?? '')}`.trim() : undefined;
}
