/**
 * Steps 11–14: a real token obtained the way a client obtains one, the MCP server accepting it,
 * and refusing tokens it must refuse (another audience, expired).
 */
import { audiences } from '../../contracts/common';
import { MCP_PROTOCOLS } from '../../contracts/mcpProtocol';
import { jwtPayload, openingMethod, parseBearerChallenge, pkce, request, rpcMessage, type DoctorFetch, type HttpResult } from '../http';
import { fail, isObject, need, oauthError, pass, Skip, warn, type DoctorCheck } from '../stepKit';
import { DOCTOR_CLIENT_ID, DOCTOR_REDIRECT_URI, ensureDoctorClient } from '../testClient';

// 11. A real token, the way a client gets one.
export const token: DoctorCheck = {
  id: 'token',
  title: 'A test client obtains a token (authorization code + PKCE)',
  run: async (ctx, { admin, request }) => {
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
    const r = await request(authz.toString(), { headers: { accept: 'application/json' } });
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
    const t = await request(String(meta.token_endpoint), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: form.toString() });
    if (t.status !== 200 || !isObject(t.json) || typeof t.json.access_token !== 'string') return fail(`the token endpoint answered ${oauthError(t)}`);
    ctx.token = t.json.access_token;
    ctx.tokenClaims = jwtPayload(ctx.token) ?? {};
    const c = ctx.tokenClaims;
    return pass(`aud "${audiences(c.aud).join('", "')}", scope "${String(c.scope ?? t.json.scope ?? '')}", sub "${String(c.sub)}", expires in ${String(t.json.expires_in)} s (client ${DOCTOR_CLIENT_ID}${approved ? '; consent approved through the admin API' : ''})`);
  },
};

// 12. The server accepts it.
export const callWithToken: DoctorCheck = {
  id: 'call_with_token',
  title: 'MCP server accepts the token',
  run: async (ctx, { f, callMcp }) => {
    need(ctx.token, 'no token was obtained');
    need(!ctx.mcpDown, 'the MCP server is unreachable');
    let r = await callMcp(ctx.token);
    // No --protocol: a server that does not take the newest revision's opening request may speak
    // the older one (most SDK 1.x servers); check it as what it is.
    if (!ctx.pinned && (r.status < 200 || r.status >= 300) && r.status !== 401 && r.status !== 403) {
      const older = MCP_PROTOCOLS.find((p) => p !== ctx.protocol)!;
      const retry = await callMcp(ctx.token, older);
      if (retry.status >= 200 && retry.status < 300) {
        ctx.protocol = older;
        r = retry;
      }
    }
    const aud = audiences(ctx.tokenClaims?.aud)[0] ?? String(ctx.resource?.uri);
    if (r.status >= 200 && r.status < 300) {
      await endSession(f, ctx.mcpUrl, r, ctx.token);
      ctx.validAccepted = true;
      const info = serverInfo(r);
      return pass(`HTTP ${r.status}: ${openingMethod(ctx.protocol)} succeeded${info ? ` (${info})` : ''}`);
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
    if (r.status === 403) return fail(`your server answered 403 to ${openingMethod(ctx.protocol)} with a token carrying scope "${String(ctx.tokenClaims?.scope ?? '')}": ${why}`, `do not require a scope for ${openingMethod(ctx.protocol)} (check scopes per tool), or advertise the needed scope in scopes_supported so clients ask for it`);
    return fail(
      `your server answered HTTP ${r.status} to ${openingMethod(ctx.protocol)} with a valid token: ${why}`,
      `if it speaks another MCP revision (see the protocol step), check it with --protocol ${ctx.protocol === '2026-07-28' ? '2025-11-25' : '2026-07-28'}`,
    );
  },
};

// 13–14. Tokens it must refuse.
const refuses = (kind: 'wrong_audience' | 'expired', title: string): DoctorCheck => ({
  id: kind,
  title,
  run: async (ctx, { admin, callMcp, f }) => {
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
  },
});
export const wrongAudience = refuses('wrong_audience', 'MCP server rejects a token issued for another audience');
export const expired = refuses('expired', 'MCP server rejects an expired token');

/** A stateful server opened a session for our initialize: close it (best effort). */
async function endSession(f: DoctorFetch, url: string, r: HttpResult, token: string): Promise<void> {
  const sid = r.headers.get('mcp-session-id');
  if (!sid) return;
  await request(f, url, { method: 'DELETE', headers: { authorization: `Bearer ${token}`, 'mcp-session-id': sid } }).catch(() => undefined);
}

/** `name version` from an initialize or server/discover result (2026-07-28 may carry it in _meta), as JSON or SSE. */
function serverInfo(r: HttpResult): string | undefined {
  const msg = rpcMessage(r);
  const result = isObject(msg) && isObject(msg.result) ? msg.result : undefined;
  const meta = result && isObject(result._meta) ? result._meta : undefined;
  const info = result && isObject(result.serverInfo) ? result.serverInfo : meta && isObject(meta['io.modelcontextprotocol/serverInfo']) ? meta['io.modelcontextprotocol/serverInfo'] : undefined;
  return info ? `${String(info.name)} ${String(info.version ?? '')}`.trim() : undefined;
}
