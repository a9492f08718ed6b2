/**
 * The built renderer (dist/renderer, from `vite build`) served under /ui/ with a strict CSP:
 * scripts, styles and connections from this origin only, no inline anything, unframeable.
 * Hashed assets are immutable; index.html is never cached (it names the current assets).
 */
import { existsSync, realpathSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, join, resolve, sep } from 'node:path';
import type { Context } from 'koa';
import { NotFound } from '../errors';

export const UI_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

declare const __dirname: string | undefined;

/**
 * Where the built renderer is: `$AUTHPLANE_RENDERER_DIR`, else dist/renderer next to the running
 * code (source tree, dist/cli.js, dist/electron/main.cjs), else under the working directory.
 */
export function defaultRendererDir(): string {
  const candidates: string[] = [];
  if (process.env.AUTHPLANE_RENDERER_DIR) candidates.push(process.env.AUTHPLANE_RENDERER_DIR);
  const here = typeof __dirname === 'string' ? __dirname : undefined;
  if (here) candidates.push(join(here, '../../dist/renderer'), join(here, '../renderer'), join(here, 'renderer'));
  const main = process.argv[1];
  if (main) {
    try {
      const d = dirname(realpathSync(main));
      candidates.push(join(d, 'renderer'), join(d, '../dist/renderer'));
    } catch {
      /* argv[1] is not a file (REPL, -e) */
    }
  }
  candidates.push(join(process.cwd(), 'dist/renderer'));
  return candidates.find((c) => existsSync(join(c, 'index.html'))) ?? candidates[candidates.length - 1]!;
}

export function uiHeaders(ctx: Context): void {
  ctx.set('Content-Security-Policy', UI_CSP);
  ctx.set('X-Frame-Options', 'DENY');
  ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
  ctx.set('Cross-Origin-Resource-Policy', 'same-origin');
  ctx.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=(), usb=()');
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>AuthPlane UI not built</title><link rel="stylesheet" href="/assets/page.css"></head>
<body><main class="card"><h1>The AuthPlane UI is not built</h1><p>Run <code>npm run build</code> (or <code>npm start</code>) in the AuthPlane checkout, then reload this page.</p>
<p class="muted">The server, the admin API and the consent page work without it.</p></main></body></html>`;

/**
 * Serves `rel` (the path after /ui/) from `dir`. Unknown paths without an extension are client
 * routes and get index.html; a missing asset is a 404.
 */
export async function serveUiFile(ctx: Context, dir: string, rel: string): Promise<void> {
  uiHeaders(ctx);
  const root = resolve(dir);
  let file = resolve(root, rel.replace(/^\/+/, ''));
  if (file !== root && !file.startsWith(root + sep)) throw new NotFound(`no UI file ${ctx.path}`);
  let isAsset = extname(file) !== '';
  if (!isAsset || file === root) file = join(root, 'index.html');
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) {
    if (isAsset) throw new NotFound(`no UI file ${ctx.path}`);
    ctx.status = 503;
    ctx.type = 'text/html; charset=utf-8';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = NOT_BUILT;
    return;
  }
  isAsset = !file.endsWith(`${sep}index.html`);
  ctx.type = TYPES[extname(file)] ?? 'application/octet-stream';
  // Vite names built assets by content hash: they never change under the same name.
  ctx.set('Cache-Control', !isAsset ? 'no-store' : /[.-][A-Za-z0-9_-]{8,}\.\w+$/.test(file) ? 'public, max-age=31536000, immutable' : 'no-cache');
  ctx.body = await readFile(file);
}
