/** Steps 9–10: the authorization server metadata (RFC 8414) and JWKS, as a client finds them. */
import { NetworkError, type HttpResult } from '../http';
import { fail, isObject, need, oauthError, pass, type DoctorCheck } from '../stepKit';
import { asMetadataUrl } from '../urls';

// 9. AS metadata, as a client finds it from authorization_servers[0].
export const asMetadata: DoctorCheck = {
  id: 'as_metadata',
  title: 'Authorization server metadata (RFC 8414)',
  run: async (ctx, { request }) => {
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
      r = await request(url, { headers: { accept: 'application/json' } });
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
  },
};

// 10. JWKS: what the MCP server verifies signatures with.
export const jwks: DoctorCheck = {
  id: 'jwks',
  title: 'JWKS is published',
  run: async (ctx, { request }) => {
    need(ctx.asMeta, 'no authorization server metadata');
    const url = String(ctx.asMeta.jwks_uri);
    const r = await request(url, { headers: { accept: 'application/json' } });
    if (r.status !== 200 || !isObject(r.json) || !Array.isArray(r.json.keys)) return fail(`${url} answered ${oauthError(r)}`);
    const keys = (r.json.keys as unknown[]).filter(isObject);
    if (keys.length === 0) return fail(`${url} has no keys`, 'rotate a key: authserver admin key rotate');
    const noKid = keys.filter((k) => typeof k.kid !== 'string').length;
    if (noKid) return fail(`${noKid} key(s) in ${url} have no kid`);
    return pass(`${url}: ${keys.map((k) => `${String(k.alg ?? k.kty)} ${String(k.kid)}`).join(', ')}`);
  },
};
