// Bundles the CLI, the SDK adapter and (when present) the Electron main/preload with esbuild.
// Dependencies stay external: they are installed beside us, and bundling them slows nothing
// but the build. Runs from `prepare`, so a fresh `npm ci` leaves a working `authserver`.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';

const common = { bundle: true, platform: 'node', target: 'node20', format: 'esm', packages: 'external', sourcemap: 'linked', logLevel: 'warning' };
const entries = [
  // Code splitting lets `authserver --version` skip loading Koa and the server (~135 ms vs ~365 ms).
  { entryPoints: { cli: 'server/cli/main.ts' }, outdir: 'dist', splitting: true, entryNames: '[name]', chunkNames: 'chunks/[name]-[hash]' },
  { entryPoints: ['server/sdk/index.ts'], outfile: 'dist/sdk.js' },
  { entryPoints: ['examples/mcp-server/main.ts'], outfile: 'dist/example-mcp-server.js' },
];
const exists = (e) => existsSync(Array.isArray(e.entryPoints) ? e.entryPoints[0] : Object.values(e.entryPoints)[0]);
await rm('dist/chunks', { recursive: true, force: true });
await Promise.all(entries.filter(exists).map((e) => build({ ...common, ...e })));
if (existsSync('electron/main.ts')) {
  await build({ ...common, format: 'cjs', entryPoints: ['electron/main.ts'], outfile: 'dist/electron/main.cjs', external: ['electron'] });
  await build({ ...common, format: 'cjs', entryPoints: ['electron/preload.ts'], outfile: 'dist/electron/preload.cjs', external: ['electron'] });
}
if (process.env.AUTHPLANE_SKIP_UI !== '1' && existsSync('renderer/index.html')) {
  const { build: viteBuild } = await import('vite');
  await viteBuild({ configFile: 'vite.config.ts', logLevel: 'warn' });
}
