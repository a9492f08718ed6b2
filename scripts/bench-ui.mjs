#!/usr/bin/env node
// Time to first render of the issuance log with 100,000 issuances, in Chromium.
//
//   node scripts/bench-ui.mjs [--rows 100000] [--runs 5] [--chromium /usr/bin/chromium]
//
// Starts a real server (temp data dir) with the UI, appends N issuance rows to its log, then
// opens /ui/#/issuances the way the Electron window does and measures, per run (fresh page):
//   - first rows rendered / painted: the page's own performance marks, from navigation start;
//   - the row visible to playwright, from just before page.goto (wall clock);
// plus jumping 10,000 rows down (pages load as you scroll), the renderer's JS size (gzip), and
// the log staying live under a load test: tokens issued as fast as the server can (their events
// streamed to the open page) while the page counts its frames and long tasks, then how long the
// page takes to show the last one.
// Prints a summary and writes bench-results/ui.json. A benchmark, not a test.
import { mkdtemp, readdir, readFile, rm, mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({ options: { rows: { type: 'string', default: '100000' }, runs: { type: 'string', default: '5' }, chromium: { type: 'string', default: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' } } });
const ROWS = Number(opts.rows);
const RUNS = Number(opts.runs);

if (!existsSync(join(root, 'dist/renderer/index.html'))) {
  console.log('bench-ui: building the renderer (npm run build)…');
  const r = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(1);
}

// The server is TypeScript: bundle the two entry points we need into a temp module.
const work = await mkdtemp(join(tmpdir(), 'authplane-bench-ui-'));
const { build } = await import('esbuild');
// Inside the checkout, so the bundle's bare imports (koa, zod, …) resolve from node_modules.
await mkdir(join(root, 'node_modules/.cache'), { recursive: true });
const entry = join(root, 'node_modules/.cache', `authplane-bench-ui-${process.pid}.mjs`);
await build({
  stdin: { contents: "export { startServer } from './server/app'; export { silentLogger } from './server/log';", resolveDir: root, loader: 'ts' },
  outfile: entry, bundle: true, platform: 'node', target: 'node20', format: 'esm', packages: 'external', logLevel: 'warning',
});
const { startServer, silentLogger } = await import(pathToFileURL(entry).href);

const dataDir = join(work, 'data');
const server = await startServer({ dataDir, port: 0, durability: 'os', consent: 'prompt', log: silentLogger, ui: { rendererDir: join(root, 'dist/renderer') } });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
let browser;
try {
  // --- seed -----------------------------------------------------------------------------------
  const svc = server.services;
  const resources = [
    await svc.resources.create({ slug: 'mcp-a', uri: 'http://127.0.0.1:3001/mcp', display_name: 'MCP A', scopes: [{ name: 'read' }, { name: 'write' }] }),
    await svc.resources.create({ slug: 'weather', uri: 'http://127.0.0.1:3002/mcp', display_name: 'Weather', scopes: [{ name: 'forecast:read' }] }),
  ];
  const clients = [];
  for (let i = 0; i < 20; i++) clients.push(await svc.clients.create({ client_name: `agent-${i}`, client_id: `agent-${i}`, redirect_uris: ['http://127.0.0.1:8765/callback'] }));
  const t0 = performance.now();
  const now = Date.now();
  const BATCH = 2000;
  for (let start = 0; start < ROWS; start += BATCH) {
    const batch = [];
    for (let i = start; i < Math.min(ROWS, start + BATCH); i++) {
      const r = resources[i % 2];
      const at = now - (ROWS - i) * 1000;
      batch.push(server.store.issuances.append({
        jti: `bench-${i.toString(36).padStart(6, '0')}-${Math.random().toString(36).slice(2, 10)}`,
        sub: i % 3 ? 'dev-user' : 'alice', client_id: clients[i % clients.length].client_id, resource: r.slug, aud: r.uri,
        scope: i % 2 ? 'forecast:read' : 'read write', grant: i % 5 === 0 ? 'refresh_token' : 'authorization_code', family_id: `fam-${Math.floor(i / 5)}`,
        issued_at: new Date(at).toISOString(), expires_at: new Date(at + 900_000).toISOString(),
      }));
    }
    await Promise.all(batch);
  }
  const seedMs = performance.now() - t0;
  console.log(`bench-ui: ${server.store.issuances.count().toLocaleString()} issuances appended in ${(seedMs / 1000).toFixed(1)} s; server ${server.issuer}`);

  // --- Chromium ---------------------------------------------------------------------------------
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({ executablePath: opts.chromium, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  const context = await browser.newContext({ viewport: { width: 1360, height: 860 } });
  await context.addInitScript(({ issuer, adminToken }) => {
    Object.defineProperty(window, 'authplane', { value: Object.freeze({ getServerInfo: () => Promise.resolve({ issuer, adminToken }) }) });
  }, { issuer: server.issuer, adminToken: server.adminToken });

  const runs = [];
  for (let i = 0; i < RUNS + 1; i++) {
    const page = await context.newPage();
    const t = performance.now();
    await page.goto(`${server.issuer}/ui/#/issuances`);
    await page.locator('[role="row"][aria-rowindex="2"]').waitFor();
    const wall = performance.now() - t;
    const marks = await page.evaluate(async () => {
      // The painted mark is set in the frame after the rows are committed.
      for (let k = 0; k < 50 && !performance.getEntriesByName('authplane:issuances-painted').length; k++) await new Promise((r) => requestAnimationFrame(r));
      const get = (n) => performance.getEntriesByName(n)[0]?.startTime;
      const nav = performance.getEntriesByType('navigation')[0];
      const res = performance.getEntriesByType('resource');
      const api = res.find((e) => e.name.includes('/admin/api/issuances?'));
      const js = res.filter((e) => e.name.endsWith('.js')).reduce((m, e) => Math.max(m, e.responseEnd), 0);
      return { rendered: get('authplane:issuances-rendered'), painted: get('authplane:issuances-painted'), domContentLoaded: nav?.domContentLoadedEventEnd, rows: document.querySelectorAll('.vgrid-row').length, jsLoaded: js, apiStart: api?.startTime, apiEnd: api?.responseEnd };
    });
    runs.push({ cold: i === 0, wall, ...marks });
    if (i === RUNS) {
      // Jump 10,000 rows down: pages of 1,000 load as the viewport nears the end of what is loaded.
      const t1 = performance.now();
      await page.evaluate(async () => {
        const el = document.querySelector('.vgrid-scroll');
        for (;;) {
          const idx = Number([...document.querySelectorAll('.vgrid-row')].at(-1)?.getAttribute('aria-rowindex') ?? 0);
          if (idx >= 10_001) break;
          el.scrollTop = el.scrollHeight;
          await new Promise((r) => setTimeout(r, 16));
        }
      });
      runs.scroll10k = performance.now() - t1;
      runs.domRows = await page.evaluate(() => document.querySelectorAll('.vgrid-row').length);
    }
    await page.close();
  }

  // --- live under load --------------------------------------------------------------------------
  const live = {};
  {
    const page = await context.newPage();
    await page.goto(`${server.issuer}/ui/#/issuances`);
    await page.locator('[role="row"][aria-rowindex="2"]').waitFor();
    await page.evaluate(() => {
      const w = window;
      w.__live = { frames: 0, longTasks: 0, longMs: 0, maxLong: 0, running: true };
      new PerformanceObserver((l) => {
        for (const e of l.getEntries()) {
          w.__live.longTasks++;
          w.__live.longMs += e.duration;
          w.__live.maxLong = Math.max(w.__live.maxLong, e.duration);
        }
      }).observe({ type: 'longtask' });
      const tick = () => {
        if (!w.__live.running) return;
        w.__live.frames++;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    const client = svc.clients.get('agent-0');
    const resource = resources[0];
    const LIVE = 20_000;
    const t1 = performance.now();
    let last;
    for (let i = 0; i < LIVE; i += 50) {
      const batch = [];
      for (let k = 0; k < 50; k++) batch.push(svc.tokens.issueForCode({ sub: 'dev-user', client, resource, scope: 'read' }));
      last = (await Promise.all(batch)).at(-1).jti;
      // Yield to the event loop like a server between requests, so events flow out as they come.
      await new Promise((r) => setImmediate(r));
    }
    const streamMs = performance.now() - t1;
    await page.locator(`[role="row"]:has-text("${last}")`).first().waitFor({ timeout: 60_000 });
    const caughtUp = performance.now() - t1;
    const stats = await page.evaluate(() => ((window.__live.running = false), window.__live));
    live.tokens = LIVE;
    live.tokens_per_second = Math.round(LIVE / (streamMs / 1000));
    live.page_frames_per_second = Math.round(stats.frames / (caughtUp / 1000));
    live.long_tasks = stats.longTasks;
    live.long_task_ms_total = Math.round(stats.longMs);
    live.long_task_ms_max = Math.round(stats.maxLong);
    live.last_token_visible_after_stream_ms = Math.round(caughtUp - streamMs);
    await page.close();
  }

  // --- JS size ------------------------------------------------------------------------------------
  const assets = join(root, 'dist/renderer/assets');
  const html = await readFile(join(root, 'dist/renderer/index.html'), 'utf8');
  const initialNames = [...html.matchAll(/(?:src|href)="\/ui\/assets\/([^"]+\.js)"/g)].map((m) => m[1]);
  let total = 0;
  let initial = 0;
  for (const f of await readdir(assets)) {
    if (!f.endsWith('.js')) continue;
    const gz = gzipSync(await readFile(join(assets, f)), { level: 9 }).length;
    total += gz;
    if (initialNames.includes(f)) initial += gz;
  }
  // The entry's static imports are preloaded too.
  for (const f of initialNames) {
    const src = await readFile(join(assets, f), 'utf8');
    for (const m of src.matchAll(/from"\.\/([^"]+\.js)"/g)) if (!initialNames.includes(m[1])) {
      initialNames.push(m[1]);
      initial += gzipSync(await readFile(join(assets, m[1])), { level: 9 }).length;
    }
  }

  const warm = runs.filter((r) => !r.cold);
  const result = {
    rows: ROWS,
    seed_seconds: Number((seedMs / 1000).toFixed(1)),
    first_render_ms: { cold: Math.round(runs[0].rendered), warm_median: Math.round(median(warm.map((r) => r.rendered))) },
    first_paint_ms: { cold: Math.round(runs[0].painted), warm_median: Math.round(median(warm.map((r) => r.painted))) },
    goto_to_row_visible_ms: { cold: Math.round(runs[0].wall), warm_median: Math.round(median(warm.map((r) => r.wall))) },
    dom_rows_rendered: runs[0].rows,
    scroll_10k_rows_ms: Math.round(runs.scroll10k),
    dom_rows_after_scroll: runs.domRows,
    js_gzip_bytes: { initial, total },
    live_under_load: live,
    chromium: browser.version(),
    runs: runs.map((r) => ({ cold: r.cold, rendered: Math.round(r.rendered), painted: Math.round(r.painted), wall: Math.round(r.wall), dom_content_loaded: Math.round(r.domContentLoaded), js_loaded: Math.round(r.jsLoaded), issuances_api: [Math.round(r.apiStart), Math.round(r.apiEnd)] })),
  };
  await mkdir(join(root, 'bench-results'), { recursive: true });
  await writeFile(join(root, 'bench-results/ui.json'), JSON.stringify(result, null, 2) + '\n');
  console.log(`bench-ui: issuance log with ${ROWS.toLocaleString()} rows, Chromium ${result.chromium}`);
  console.log(`  first rows rendered  ${result.first_render_ms.cold} ms cold, ${result.first_render_ms.warm_median} ms warm (median of ${RUNS}), from navigation start`);
  console.log(`  first rows painted   ${result.first_paint_ms.cold} ms cold, ${result.first_paint_ms.warm_median} ms warm`);
  console.log(`  goto → row visible   ${result.goto_to_row_visible_ms.cold} ms cold, ${result.goto_to_row_visible_ms.warm_median} ms warm (wall clock, playwright)`);
  console.log(`  DOM rows             ${result.dom_rows_rendered} (virtualized); ${result.dom_rows_after_scroll} after scrolling 10,000 rows down in ${result.scroll_10k_rows_ms} ms`);
  console.log(`  renderer JS (gzip)   ${(initial / 1024).toFixed(1)} KiB on first load, ${(total / 1024).toFixed(1)} KiB all chunks`);
  console.log(`  live under load      ${live.tokens.toLocaleString()} tokens at ${live.tokens_per_second.toLocaleString()}/s streamed to the open log: ${live.page_frames_per_second} frames/s, ${live.long_tasks} long tasks (${live.long_task_ms_total} ms, longest ${live.long_task_ms_max} ms), last token on screen ${live.last_token_visible_after_stream_ms} ms after the stream`);
  console.log('  → bench-results/ui.json');
} finally {
  await browser?.close();
  await server.close();
  await rm(work, { recursive: true, force: true });
  await rm(entry, { force: true });
}
