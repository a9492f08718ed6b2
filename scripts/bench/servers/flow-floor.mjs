// The floor for a whole durable flow on this machine: what any server doing the same work must pay,
// written with nothing but node:http, node:crypto and node:fs. GET /authorize → 303 with a code;
// POST /token (authorization_code with PKCE S256, or refresh_token with rotation) → an ES256 JWT and
// a refresh token, after ONE JSON line (the issuance) is on disk: appended with group commit, one
// write + one fdatasync per batch. No validation beyond the PKCE check and the code/refresh lookups,
// no logging, no events: it is a floor, not a server. Prints `READY <origin>`.
//   node flow-floor.mjs <data-dir> [fsync|os]
import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { open } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';

const [dir, durability = 'fsync'] = process.argv.slice(2);
const file = await open(path.join(dir, 'floor-issuances.jsonl'), 'a', 0o600);
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const key = createPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' }));
const header = Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'at+jwt', kid: 'k1' })).toString('base64url');
const codes = new Map();
const families = new Map();

let queue = [];
let running = false;
async function flush() {
  running = true;
  while (queue.length) {
    const batch = queue;
    queue = [];
    try {
      await file.write(batch.map((b) => b.line).join(''));
      if (durability === 'fsync') await file.datasync();
      for (const b of batch) b.resolve();
    } catch (err) {
      for (const b of batch) b.reject(err);
    }
  }
  running = false;
}
function append(row) {
  return new Promise((resolve, reject) => {
    queue.push({ line: JSON.stringify(row) + '\n', resolve, reject });
    if (!running) setImmediate(flush);
  });
}

function jwt(sub, clientId, aud, scope) {
  const now = Math.floor(Date.now() / 1000);
  const jti = randomBytes(16).toString('base64url');
  const body = Buffer.from(JSON.stringify({ iss: ORIGIN, sub, aud, client_id: clientId, scope, iat: now, exp: now + 3600, jti })).toString('base64url');
  const input = `${header}.${body}`;
  return { jti, token: `${input}.${sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}` };
}

async function issue(res, fam) {
  const { jti, token } = jwt('dev-user', fam.clientId, fam.resource, fam.scope);
  const refresh = randomBytes(32).toString('base64url');
  families.set(refresh, fam);
  await append({ jti, sub: 'dev-user', client_id: fam.clientId, resource: fam.resource, scope: fam.scope, at: Date.now() });
  const body = JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 3600, refresh_token: refresh, scope: fam.scope });
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function fail(res, status, error) {
  const body = JSON.stringify({ error });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

let ORIGIN = '';
const server = createServer({ requestTimeout: 30_000, headersTimeout: 10_000, keepAliveTimeout: 5_000 }, (req, res) => {
  const q = req.url.indexOf('?');
  const p = q < 0 ? req.url : req.url.slice(0, q);
  if (req.method === 'GET' && p === '/authorize') {
    const sp = new URLSearchParams(req.url.slice(q + 1));
    const code = randomBytes(32).toString('base64url');
    codes.set(code, { clientId: sp.get('client_id'), resource: sp.get('resource'), scope: sp.get('scope'), challenge: sp.get('code_challenge'), redirectUri: sp.get('redirect_uri') });
    res.writeHead(303, { location: `${sp.get('redirect_uri')}?code=${code}&state=${sp.get('state')}` });
    res.end();
    return;
  }
  if (req.method === 'POST' && p === '/token') {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const sp = new URLSearchParams(Buffer.concat(chunks).toString());
      const grant = sp.get('grant_type');
      let fam;
      if (grant === 'authorization_code') {
        const c = codes.get(sp.get('code'));
        codes.delete(sp.get('code'));
        if (!c || createHash('sha256').update(sp.get('code_verifier') ?? '').digest('base64url') !== c.challenge) return fail(res, 400, 'invalid_grant');
        fam = c;
      } else if (grant === 'refresh_token') {
        fam = families.get(sp.get('refresh_token'));
        families.delete(sp.get('refresh_token'));
        if (!fam) return fail(res, 400, 'invalid_grant');
      } else return fail(res, 400, 'unsupported_grant_type');
      issue(res, fam).catch(() => fail(res, 503, 'temporarily_unavailable'));
    });
    return;
  }
  fail(res, 404, 'not_found');
});
server.listen(0, '127.0.0.1', () => {
  ORIGIN = `http://127.0.0.1:${server.address().port}`;
  process.stdout.write(`READY ${ORIGIN}\n`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
