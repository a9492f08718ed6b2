// What a hostile Client ID Metadata Document costs the server: RSS growth (VmRSS after, VmHWM
// peak) and /health latency while AuthPlane fetches a 1 GB gzip bomb (~1 MB on the wire), a
// 300 MB chunked body, a Content-Length of 300 MB, and a document dribbled one byte every 100 ms.
//
//   node scripts/bench/cimd-limits.mjs [--src <checkout>]
//
// --src builds the CLI from another checkout (e.g. a worktree of an older commit) to compare.
// The server is a child process on 127.0.0.1; its memory is read from /proc/<pid>/status.
import { build } from 'esbuild';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createGzip } from 'node:zlib';
import { BUILD_DIR, ROOT } from './lib/build.mjs';
import { exitOnSignals, memMB, stopChild } from './lib/proc.mjs';
import { REDIRECT, RESOURCE, startAuthPlane } from './lib/servers.mjs';

exitOnSignals();
const { values: argv } = parseArgs({ options: { src: { type: 'string' } } });
const SRC = path.resolve(argv.src ?? ROOT);
const MB = 1024 * 1024;
const log = (m) => process.stderr.write(`${m}\n`);

async function gzipOf(bytes) {
  const gz = createGzip({ level: 9 });
  const out = [];
  gz.on('data', (c) => out.push(c));
  const done = new Promise((r) => gz.on('end', r));
  const chunk = Buffer.alloc(MB, 0x20);
  for (let i = 0; i < bytes / MB; i++) if (!gz.write(chunk)) await new Promise((r) => gz.once('drain', r));
  gz.end();
  await done;
  return Buffer.concat(out);
}

function pump(res, total) {
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  let sent = 0;
  const go = () => {
    while (!res.destroyed && sent < total) {
      sent += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', go);
    }
    if (!res.destroyed) res.end();
  };
  go();
}

log('compressing 1 GB of spaces...');
const bomb = await gzipOf(1024 * MB);
const docs = createServer((req, res) => {
  if (req.url === '/bomb.json') res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': bomb.length }).end(bomb);
  else if (req.url === '/chunked-300mb.json') (res.writeHead(200, { 'content-type': 'application/json' }), pump(res, 300 * MB));
  else if (req.url === '/declared-300mb.json') (res.writeHead(200, { 'content-type': 'application/json', 'content-length': 300 * MB }), pump(res, 300 * MB));
  else if (req.url === '/dribble.json') {
    res.writeHead(200, { 'content-type': 'application/json' });
    const t = setInterval(() => res.write(' '), 100);
    res.once('close', () => clearInterval(t));
  } else res.writeHead(404).end();
});
await new Promise((r) => docs.listen(0, '127.0.0.1', r));
const docOrigin = `http://127.0.0.1:${docs.address().port}`;

log(`building the CLI from ${SRC}...`);
const outDir = path.join(BUILD_DIR, 'cimd-limits');
await build({ bundle: true, platform: 'node', target: 'node20', format: 'esm', packages: 'external', logLevel: 'error', entryPoints: { cli: path.join(SRC, 'server/cli/main.ts') }, outdir: outDir, splitting: true, chunkNames: 'chunks/[name]-[hash]' });
const cli = path.join(outDir, 'cli.js');

const rows = [];
for (const [name, docPath] of [
  ['gzip bomb, 1 GB inflated', '/bomb.json'],
  ['300 MB chunked body', '/chunked-300mb.json'],
  ['300 MB with Content-Length', '/declared-300mb.json'],
  ['dribbled body (1 B / 100 ms)', '/dribble.json'],
]) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'authplane-cimd-bench-'));
  const server = await startAuthPlane(cli, dataDir);
  const before = memMB(server.pid);
  const q = new URLSearchParams({ response_type: 'code', client_id: docOrigin + docPath, redirect_uri: REDIRECT, scope: 'read', state: 's', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256', resource: RESOURCE });
  const t0 = performance.now();
  let finished = false;
  const authorize = fetch(`${server.info}/oauth/authorize?${q}`, { redirect: 'manual', headers: { accept: 'text/html' } })
    .then(async (r) => ({ status: r.status, text: await r.text() }))
    .catch((e) => ({ status: 0, text: String(e) }))
    .finally(() => (finished = true));
  let healthMax = 0;
  let peakSeen = before.rss;
  while (!finished) {
    const h0 = performance.now();
    await fetch(`${server.info}/health`).then((r) => r.arrayBuffer()).catch(() => undefined);
    healthMax = Math.max(healthMax, performance.now() - h0);
    peakSeen = Math.max(peakSeen, memMB(server.pid).rss);
    await new Promise((r) => setTimeout(r, 50));
  }
  const res = await authorize;
  const ms = performance.now() - t0;
  const after = memMB(server.pid);
  const desc = /<p class="error-desc">(.*?)<\/p>/s.exec(res.text)?.[1] ?? res.text.slice(0, 120);
  rows.push({ case: name, authorize_ms: Math.round(ms), status: res.status, rss_before_mb: before.rss.toFixed(0), rss_growth_mb: (after.rss - before.rss).toFixed(0), peak_growth_mb: (after.peak - before.rss).toFixed(0), health_max_ms: Math.round(healthMax), answer: desc.replace(/&quot;/g, '"').slice(0, 110) });
  await stopChild(server.child);
  rmSync(dataDir, { recursive: true, force: true });
}
docs.close();
docs.closeAllConnections();
console.table(rows);
console.log(JSON.stringify({ src: SRC, rows }, null, 2));
