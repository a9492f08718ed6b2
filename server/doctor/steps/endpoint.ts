/**
 * Steps 1–3: AuthPlane answers with the admin token, and the MCP endpoint, asked without a token,
 * answers 401 with a Bearer challenge naming its Protected Resource Metadata.
 */
import { prmUrl as wellKnownPrmUrl } from '../../sdk/prm';
import { NetworkError, openingMethod, parseBearerChallenge, type HttpResult } from '../http';
import { fail, isObject, need, oauthError, pass, str, type DoctorCheck } from '../stepKit';

// 1. AuthPlane itself.
export const authplane: DoctorCheck = {
  id: 'authplane',
  title: 'AuthPlane is running',
  run: async (ctx, { admin, locate }) => {
    const t = await locate();
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
  },
};

// 2. The MCP endpoint without a token.
export const unauthenticated: DoctorCheck = {
  id: 'unauthenticated',
  title: 'MCP server answers 401 to a request without a token',
  run: async (ctx, { callMcp }) => {
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
    const asked = `an MCP ${openingMethod(ctx.protocol)} request (${ctx.protocol})`;
    if (r.status === 401) return pass(`HTTP 401 to ${asked} without a token`);
    if (r.status >= 200 && r.status < 300) return fail(`your server answered HTTP ${r.status} to ${asked} without a token: it does not require authorization, so clients never start OAuth`, `protect the endpoint: ${protect}`);
    if (r.status === 403) return fail('your server answered 403 to a request without a token; clients start authorization only on 401', 'a missing token is 401 (RFC 6750 §3.1); keep 403 for a token that lacks a scope (insufficient_scope)');
    if (r.status >= 300 && r.status < 400) return fail(`your server answered HTTP ${r.status} redirecting to ${r.headers.get('location') ?? '(no Location)'}; MCP clients do not follow redirects to authenticate`, `answer 401 with a challenge instead; if the endpoint moved, run the doctor on the new URL`);
    if (r.status === 404 || r.status === 405) return fail(`your server answered HTTP ${r.status}: ${ctx.mcpUrl} does not look like its MCP endpoint`, 'pass the URL MCP clients connect to (the streamable HTTP endpoint, e.g. http://127.0.0.1:3001/mcp)');
    return fail(`your server answered HTTP ${r.status} to a request without a token`, `answer 401: ${protect}`);
  },
};

// 3. The challenge and its resource_metadata.
export const challenge: DoctorCheck = {
  id: 'challenge',
  title: '401 carries a Bearer challenge with resource_metadata',
  run: async (ctx) => {
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
  },
};
