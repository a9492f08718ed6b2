/**
 * Generates a data dir holding `n` issuances, fast, with the store's bulk writer
 * (writeIssuanceSegments: sealed 50,000-row segments with their .idx, plus the active one), as
 * if AuthPlane had issued them over the last 30 days:
 *
 *   10 resources (mcp-a … mcp-j; mcp-a is the seed's http://127.0.0.1:3001/mcp), 50 clients
 *   (my-agent, agent-01 … agent-49), 1,000 users (dev-user, alice, user-0002 …), grants 60 %
 *   authorization_code / 35 % refresh_token / 5 % client_credentials, 0.5 % revoked,
 *   issued_at evenly spread up to now (so the newest ~350 rows are still active at 1,000,000).
 *
 *   node datagen.mjs <data-dir> <n>      → prints {"rows","segments","ms","bytes"} as JSON
 *
 * The resources and clients themselves come from the seed when the server starts.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Issuance } from '../../../server/contracts';
import { writeIssuanceSegments } from '../../../server/store/issuanceBulkWrite';

export const RESOURCES = Array.from({ length: 10 }, (_, k) => ({ slug: `mcp-${String.fromCharCode(97 + k)}`, uri: `http://127.0.0.1:${3001 + k}/mcp` }));
export const CLIENTS = ['my-agent', ...Array.from({ length: 49 }, (_, k) => `agent-${String(k + 1).padStart(2, '0')}`)];
export const USERS = ['dev-user', 'alice', ...Array.from({ length: 998 }, (_, k) => `user-${String(k + 2).padStart(4, '0')}`)];
const GRANTS = ['authorization_code', 'refresh_token', 'client_credentials'] as const;
const DAY = 86_400_000;

/** xorshift32: deterministic test data, not a secret. */
function prng(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

/** 22-char ids (16 bytes, base64url) cut from one buffer of PRNG output. */
function idSource(next: () => number) {
  const buf = Buffer.allocUnsafe(16 * 4096);
  let at = buf.length;
  return () => {
    if (at === buf.length) {
      for (let k = 0; k < buf.length; k += 4) buf.writeUInt32LE(next(), k);
      at = 0;
    }
    at += 16;
    return buf.toString('base64url', at - 16, at);
  };
}

/** ISO-8601 for whole seconds, without a Date per call (the day prefix is cached). */
function isoSource() {
  let day = -1;
  let prefix = '';
  const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);
  return (sec: number) => {
    const d = Math.floor(sec / 86_400);
    if (d !== day) {
      day = d;
      prefix = new Date(d * DAY).toISOString().slice(0, 11);
    }
    const s = sec - d * 86_400;
    return `${prefix}${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}.000Z`;
  };
}

export function* issuanceRows(n: number, now = Date.now(), seed = 1): Generator<Issuance> {
  const next = prng(seed);
  const id22 = idSource(next);
  const iso = isoSource();
  const span = 30 * DAY;
  const families: string[] = Array.from({ length: 4096 }, () => id22());
  for (let i = 0; i < n; i++) {
    const iat = Math.floor((now - span + (span * (i + 1)) / n - 1000) / 1000);
    const r = next() % 100;
    const grant = GRANTS[r < 60 ? 0 : r < 95 ? 1 : 2]!;
    const res = RESOURCES[next() % RESOURCES.length]!;
    const client = CLIENTS[next() % CLIENTS.length]!;
    const sub = grant === 'client_credentials' ? client : USERS[next() % USERS.length]!;
    const row: Issuance = {
      jti: id22(),
      sub,
      client_id: client,
      resource: res.slug,
      aud: res.uri,
      scope: next() % 3 === 0 ? 'read' : 'read write',
      grant,
      family_id: grant === 'client_credentials' ? undefined : families[next() & 4095],
      kid: 'bench-kid-0000000000000',
      issued_at: iso(iat),
      expires_at: iso(iat + 900),
    };
    if (row.family_id === undefined) delete row.family_id;
    if (next() % 200 === 0) Object.assign(row, { revoked_at: iso(iat + 60), revoked_reason: 'admin' });
    yield row;
  }
}

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const e of await fsp.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    total += e.isDirectory() ? await dirBytes(p) : (await fsp.stat(p)).size;
  }
  return total;
}

const [dir, count] = process.argv.slice(2);
if (!dir || !count || !/^\d+$/.test(count)) {
  process.stderr.write('usage: datagen.mjs <data-dir> <n>\n');
  process.exit(2);
}
const t0 = performance.now();
const out = await writeIssuanceSegments(dir, issuanceRows(Number(count)), { durability: 'os' });
const ms = performance.now() - t0;
process.stdout.write(`${JSON.stringify({ ...out, ms: Math.round(ms), bytes: await dirBytes(dir) })}\n`);
