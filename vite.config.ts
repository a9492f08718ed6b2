/**
 * The renderer (React window): built into dist/renderer and served by the Koa server at /ui/,
 * to the Electron window and to any browser alike. No inline scripts or styles (strict CSP).
 */
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  root: 'renderer',
  base: '/ui/',
  // renderer/public: copied as is (theme.js must run before first paint, outside the bundle).
  publicDir: 'public',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // The strict CSP forbids inline scripts: never inline the module-preload polyfill or assets as data: scripts.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 600,
    // Plugin-timing hints are noise on a loaded CI machine (they depend on load, not on us).
    rolldownOptions: { checks: { pluginTimings: false } },
  },
  server: { port: 5173, proxy: { '/admin': 'http://127.0.0.1:9000', '/.well-known': 'http://127.0.0.1:9000', '/ui/api': 'http://127.0.0.1:9000' } },
});
