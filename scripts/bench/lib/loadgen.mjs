// The load generator: one lean client for every server in the benchmark, so differences are the
// servers'. PKCE pairs are computed before the clock starts; requests go over a keep-alive undici
// Pool (one connection per worker); every loop is bounded by a count and a time.
//
// A "flow" is what an MCP client does to get a token once consent is settled:
//   GET  <authorize>?response_type=code&…&code_challenge=…   → 302/303 to redirect_uri?code=…
//   POST <token> grant_type=authorization_code&code=…&code_verifier=…  → 200 {access_token, refresh_token}
// A "refresh" is one POST <token> grant_type=refresh_token with rotation (each worker follows its
// own chain: the next request uses the refresh token the previous response returned).
import { createHash, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

/**
 * A server under test. `cookie` is sent on authorize requests (oidc-provider's logged-in
 * session); AuthPlane's auto consent needs none.
 * @typedef {{ name: string, origin: string, authorizePath: string, tokenPath: string, clientId: string,
 *   redirectUri: string, resource: string, scope: string, cookie?: string }} Target
 */

/** `n` PKCE S256 pairs and states, computed up front (the client must not pay this during the run). */
export function pkcePairs(n) {
  const out = new Array(n);
  for (let i = 0; i < n; i++) {
    const verifier = randomBytes(32).toString('base64url');
    out[i] = { verifier, challenge: createHash('sha256').update(verifier).digest('base64url'), state: randomBytes(9).toString('base64url') };
  }
  return out;
}

const enc = encodeURIComponent;
const CODE_RE = /[?&]code=([^&#]+)/;

/** Precomputed request pieces for one target. */
function prepare(t) {
  const authPrefix = `${t.authorizePath}?response_type=code&client_id=${enc(t.clientId)}&redirect_uri=${enc(t.redirectUri)}&scope=${enc(t.scope)}&resource=${enc(t.resource)}&code_challenge_method=S256`;
  const tokenSuffix = `&redirect_uri=${enc(t.redirectUri)}&client_id=${enc(t.clientId)}&resource=${enc(t.resource)}`;
  const authHeaders = t.cookie ? { cookie: t.cookie } : {};
  const formHeaders = { 'content-type': 'application/x-www-form-urlencoded' };
  return { authPrefix, tokenSuffix, authHeaders, formHeaders };
}

export function createPool(origin, connections) {
  return new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 60_000 });
}

class FlowError extends Error {}

async function readJson(res, what) {
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new FlowError(`${what} answered ${res.statusCode}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** One full flow; returns the token response. */
export async function oneFlow(pool, t, prep, pair) {
  const a = await pool.request({ method: 'GET', path: `${prep.authPrefix}&state=${pair.state}&code_challenge=${pair.challenge}`, headers: prep.authHeaders });
  const loc = a.headers.location;
  if (a.statusCode !== 303 && a.statusCode !== 302) {
    const text = await a.body.text();
    throw new FlowError(`authorize answered ${a.statusCode}: ${text.slice(0, 300)}`);
  }
  await a.body.dump();
  const m = typeof loc === 'string' ? CODE_RE.exec(loc) : null;
  if (!m) throw new FlowError(`authorize redirected without a code: ${loc}`);
  const r = await pool.request({
    method: 'POST',
    path: t.tokenPath,
    headers: prep.formHeaders,
    body: `grant_type=authorization_code&code=${m[1]}&code_verifier=${pair.verifier}${prep.tokenSuffix}`,
  });
  const json = await readJson(r, 'token (authorization_code)');
  if (typeof json.access_token !== 'string') throw new FlowError('token response without access_token');
  return json;
}

export async function oneRefresh(pool, t, prep, refreshToken) {
  const r = await pool.request({
    method: 'POST',
    path: t.tokenPath,
    headers: prep.formHeaders,
    body: `grant_type=refresh_token&refresh_token=${enc(refreshToken)}&client_id=${enc(t.clientId)}`,
  });
  const json = await readJson(r, 'token (refresh_token)');
  if (typeof json.access_token !== 'string' || typeof json.refresh_token !== 'string') throw new FlowError('refresh response without access_token/refresh_token');
  return json;
}

function summarize(lat, n, ms, errors, firstError, extra = {}) {
  const sorted = Float64Array.from(lat.subarray(0, n)).sort();
  const q = (p) => (n ? sorted[Math.min(n - 1, Math.floor(p * n))] : NaN);
  return { ops: n, ms, opsPerSec: n / (ms / 1000), p50: q(0.5), p99: q(0.99), errors, firstError, ...extra };
}

/**
 * The closed loop every run is: `concurrency` workers each repeat an op until `maxOps` ops are
 * taken or `maxMs` has passed, and the latency of each op that succeeds is recorded. A failed op
 * is counted and ends its worker, unless `carryOn(err)` says the next op may still succeed.
 * `newOp(pool)` gives each worker its op (`op(i)`, i the op's index), with state of its own.
 */
async function closedLoop(origin, { concurrency, maxOps, maxMs, pool }, newOp, carryOn = () => false) {
  const own = !pool;
  pool ??= createPool(origin, concurrency);
  const lat = new Float64Array(maxOps);
  let next = 0;
  let done = 0;
  let errors = 0;
  let firstError;
  const t0 = performance.now();
  const deadline = t0 + maxMs;
  const worker = async () => {
    const op = newOp(pool);
    while (next < maxOps && performance.now() < deadline) {
      const i = next++;
      const s = performance.now();
      try {
        await op(i);
        lat[done++] = performance.now() - s;
      } catch (err) {
        errors++;
        firstError ??= err.message;
        if (!carryOn(err)) break;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const ms = performance.now() - t0;
  if (own) await pool.close();
  return summarize(lat, done, ms, errors, firstError);
}

/**
 * Runs flows with `concurrency` workers until `maxOps` flows or `maxMs` elapse.
 * `pairs` must hold at least `maxOps` PKCE pairs. `keep` collects refresh tokens (for refresh runs),
 * `keepAccess` access tokens. A flow answered wrongly does not stop its worker.
 */
export async function runFlows(t, { pairs, keep, keepAccess, ...loop }) {
  const prep = prepare(t);
  const flow = (pool) => async (i) => {
    const tok = await oneFlow(pool, t, prep, pairs[i]);
    if (keep && tok.refresh_token) keep.push(tok.refresh_token);
    if (keepAccess) keepAccess.push(tok.access_token);
  };
  return closedLoop(t.origin, loop, flow, (err) => err instanceof FlowError);
}

/**
 * Refresh grants with rotation. Each worker takes a refresh token from `tokens` (one per family,
 * from earlier flows), rotates it `rotations` times (each request uses the token the previous
 * response returned), then moves on to the next family: clients refresh a session a handful of
 * times, not thousands. Needs ceil(maxOps / rotations) + concurrency tokens.
 */
export async function runRefresh(t, { tokens, rotations = 10, ...loop }) {
  const need = Math.ceil(loop.maxOps / rotations) + loop.concurrency;
  if (tokens.length < need) throw new Error(`runRefresh needs ${need} refresh tokens (one per family), got ${tokens.length}`);
  const prep = prepare(t);
  let family = 0;
  const chain = (pool) => {
    let token;
    let left = 0;
    return async () => {
      if (left === 0) {
        token = tokens[family++];
        left = rotations;
      }
      token = (await oneRefresh(pool, t, prep, token)).refresh_token;
      left--;
    };
  };
  return { ...(await closedLoop(t.origin, loop, chain)), familiesUsed: family };
}

/** Plain GETs of `path` (the bare-Koa floor and the admin API). */
export async function runGets(origin, path, { headers = {}, ...loop }) {
  const get = (pool) => async () => {
    const r = await pool.request({ method: 'GET', path, headers });
    await r.body.dump();
    if (r.statusCode !== 200) throw new Error(`GET ${path} answered ${r.statusCode}`);
  };
  return closedLoop(origin, loop, get);
}
