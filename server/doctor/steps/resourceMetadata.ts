/**
 * Steps 4–8: the Protected Resource Metadata (RFC 9728) a client reads next, compared byte for
 * byte with what AuthPlane has registered: the resource, the issuer, the scopes.
 */
import type { Resource } from '../../contracts/resources';
import { closestResource, describeDifference } from '../../domain/resourceMatch';
import { prmUrl as wellKnownPrmUrl } from '../../sdk/prm';
import { NetworkError, type HttpResult } from '../http';
import { quote } from '../locate';
import { fail, isObject, need, oauthError, pass, warn, type DoctorCheck } from '../stepKit';
import { normalizeUri, originOf, resourceCovers, urlNormalized } from '../urls';

// 4. The Protected Resource Metadata document.
export const prm: DoctorCheck = {
  id: 'prm',
  title: 'Protected Resource Metadata (RFC 9728) is served',
  run: async (ctx, { request }) => {
    need(!ctx.mcpDown, 'the MCP server is unreachable');
    const candidates = ctx.challengeUrl ? [ctx.challengeUrl] : [...new Set([wellKnownPrmUrl(ctx.mcpUrl), `${new URL(ctx.mcpUrl).origin}/.well-known/oauth-protected-resource`])];
    const tried: Array<{ url: string; why: string }> = [];
    let found: { url: string; r: HttpResult } | undefined;
    for (const url of candidates) {
      let r: HttpResult;
      try {
        r = await request(url, { headers: { accept: 'application/json' } });
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
  },
};

// 5. The resource must cover the endpoint, or SDK clients refuse it.
export const prmResourceUrl: DoctorCheck = {
  id: 'prm_resource_url',
  title: 'PRM `resource` is the MCP endpoint (or a parent of it)',
  run: async (ctx) => {
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
  },
};

// 6. The resource string, byte for byte, against the registration.
export const resourceRegistered: DoctorCheck = {
  id: 'resource_registered',
  title: 'PRM `resource` is registered in AuthPlane byte for byte',
  run: async (ctx, { admin }) => {
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
    const origin = originOf(published);
    const sameOrigin = origin === undefined ? [] : all.filter((x) => originOf(x.uri) === origin);
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
  },
};

// 7. authorization_servers, byte for byte, against the issuer.
export const authorizationServers: DoctorCheck = {
  id: 'authorization_servers',
  title: 'PRM `authorization_servers` names this AuthPlane issuer',
  run: async (ctx) => {
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
  },
};

// 8. Scopes the client will ask for must exist on the resource.
export const scopes: DoctorCheck = {
  id: 'scopes',
  title: 'Advertised scopes are defined on the resource',
  run: async (ctx) => {
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
  },
};
