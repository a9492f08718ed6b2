// node-oidc-provider (panva), configured as close to AuthPlane's `serve --consent auto` as it
// allows, for side-by-side benchmarks. Run as a child process:
//   node scripts/bench/servers/oidc-provider.mjs <resource-uri> <redirect-uri>
// Prints one line `READY {"url":…,"cookie":…}` once it answers. `cookie` is a logged-in session
// whose grant already covers the resource's scopes (granted programmatically in one scripted
// interaction at start), so every later /auth request completes without interaction, like
// AuthPlane's auto consent.
//
// Closest equivalents: PKCE S256 required (public client), RFC 8707 resourceIndicators with JWT
// (ES256) access tokens, refresh tokens issued and rotated on every use, a small in-memory
// adapter (Map + expiry; the shipped LRU adapter is capped at 1,000 entries and re-scans a
// grant's members on every write). Differences that remain: nothing is written to disk (AuthPlane
// fsyncs an issuance row before every token response) and oidc-provider keeps a session cookie.
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import { request } from 'undici';
import Provider, { interactionPolicy } from 'oidc-provider';

const RESOURCE = process.argv[2] ?? 'http://127.0.0.1:3001/mcp';
const REDIRECT = process.argv[3] ?? 'http://127.0.0.1:8765/callback';
const CLIENT_ID = 'my-agent';
const ACCOUNT = 'dev-user';
const SCOPE = 'read write';

// ---- in-memory adapter ----------------------------------------------------------------------
const store = new Map();
const uids = new Map();
const now = () => Date.now();
class MemoryAdapter {
  constructor(name) {
    this.name = name;
  }
  key(id) {
    return `${this.name}:${id}`;
  }
  async upsert(id, payload, expiresIn) {
    store.set(this.key(id), { payload, exp: expiresIn ? now() + expiresIn * 1000 : Infinity });
    if (payload.uid) uids.set(payload.uid, id);
  }
  async find(id) {
    const k = this.key(id);
    const e = store.get(k);
    if (!e) return undefined;
    if (e.exp <= now()) {
      store.delete(k);
      return undefined;
    }
    return e.payload;
  }
  async findByUid(uid) {
    const id = uids.get(uid);
    return id === undefined ? undefined : this.find(id);
  }
  async findByUserCode() {
    return undefined;
  }
  async consume(id) {
    const e = store.get(this.key(id));
    if (e) e.payload.consumed = Math.floor(now() / 1000);
  }
  async destroy(id) {
    store.delete(this.key(id));
  }
  async revokeByGrantId(grantId) {
    for (const [k, e] of store) if (e.payload?.grantId === grantId) store.delete(k);
  }
}
setInterval(() => {
  const t = now();
  for (const [k, e] of store) if (e.exp <= t) store.delete(k);
}, 5000).unref();

// ---- provider -------------------------------------------------------------------------------
// The default policy asks a native (loopback-redirect) client for consent on every request; with
// the grant already given, auto consent means skipping that check, as AuthPlane's --consent auto does.
const policy = interactionPolicy.base();
policy.get('consent').checks.remove('native_client_prompt');
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'bench-es256', alg: 'ES256', use: 'sig' };

// Listen first so the issuer carries the real port (like AuthPlane's `--port 0`).
const server = createServer({ keepAliveTimeout: 5_000 });
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(origin, {
  adapter: MemoryAdapter,
  clients: [
    {
      client_id: CLIENT_ID,
      token_endpoint_auth_method: 'none',
      application_type: 'native',
      redirect_uris: [REDIRECT],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      id_token_signed_response_alg: 'ES256',
    },
  ],
  jwks: { keys: [jwk] },
  cookies: { keys: ['bench-cookie-key-not-a-secret'] },
  findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
  features: {
    devInteractions: { enabled: false },
    resourceIndicators: {
      enabled: true,
      defaultResource: async () => RESOURCE,
      useGrantedResource: async () => true,
      getResourceServerInfo: async (_ctx, resource) => {
        if (resource !== RESOURCE) throw new Provider.errors.InvalidTarget();
        return { scope: SCOPE, audience: RESOURCE, accessTokenTTL: 900, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } };
      },
    },
  },
  pkce: { required: () => true },
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  rotateRefreshToken: true,
  ttl: { AccessToken: 900, AuthorizationCode: 120, RefreshToken: 7 * 86400, Grant: 14 * 86400, Session: 14 * 86400, Interaction: 600 },
  interactions: { policy, url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  routes: { authorization: '/auth', token: '/token' },
  renderError: async (ctx, out) => {
    ctx.type = 'application/json';
    ctx.body = out;
  },
});
provider.proxy = false;

// The one scripted interaction: log in as dev-user and grant the resource's scopes.
provider.use(async (ctx, next) => {
  if (!ctx.path.startsWith('/interaction/')) return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (details.params.state !== 'bootstrap') process.stderr.write('unexpected interaction: ' + JSON.stringify(details.prompt) + JSON.stringify(details.session) + '\n');
  const grant = new provider.Grant({ accountId: ACCOUNT, clientId: details.params.client_id });
  grant.addResourceScope(RESOURCE, SCOPE);
  const grantId = await grant.save();
  const url = await provider.interactionResult(ctx.req, ctx.res, { login: { accountId: ACCOUNT }, consent: { grantId } }, { mergeWithLastSubmission: false });
  ctx.status = 303;
  ctx.redirect(url);
});
provider.on('server_error', (_ctx, err) => process.stderr.write(`oidc-provider server_error: ${err.stack}\n`));

server.on('request', provider.callback());

/** Collects Set-Cookie name=value pairs into a jar. */
function keep(jar, res) {
  const set = res.headers['set-cookie'];
  for (const c of Array.isArray(set) ? set : set ? [set] : []) {
    const [pair] = c.split(';');
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    if (value === '' || /expires=Thu, 01 Jan 1970/i.test(c)) jar.delete(name);
    else jar.set(name, value);
  }
}
const cookieHeader = (jar) => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

async function bootstrapSession() {
  const jar = new Map();
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT,
    scope: SCOPE,
    resource: RESOURCE,
    state: 'bootstrap',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGjSstw-cM',
    code_challenge_method: 'S256',
  });
  let url = `${origin}/auth?${q}`;
  for (let hop = 0; hop < 6; hop++) {
    const res = await request(url, { method: 'GET', headers: { cookie: cookieHeader(jar) } });
    const text = await res.body.text();
    keep(jar, res);
    const loc = res.headers.location;
    if (!loc) throw new Error(`bootstrap: ${url} answered ${res.statusCode} without a redirect: ${text.slice(0, 500)}`);
    if (loc.startsWith(REDIRECT)) {
      if (!/[?&]code=/.test(loc)) throw new Error(`bootstrap: no code in ${loc}`);
      return cookieHeader(new Map([...jar].filter(([k]) => k.startsWith('_session'))));
    }
    url = new URL(loc, origin).toString();
  }
  throw new Error('bootstrap: too many redirects');
}

const cookie = await bootstrapSession();
process.stdout.write(`READY ${JSON.stringify({ url: origin, cookie })}\n`);
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
