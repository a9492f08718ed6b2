// Bundles the CLI, the SDK adapter and (when present) the Electron main/preload with esbuild.
// Dependencies stay external: they are installed beside us, and bundling them slows nothing
// but the build. Runs from `prepare`, so a fresh `npm ci` leaves a working `authserver`.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

const common = { bundle: true, platform: 'node', target: 'node20', format: 'esm', packages: 'external', sourcemap: 'linked', logLevel: 'warning' };
const entries = [
  { entryPoints: ['server/cli/main.ts'], outfile: 'dist/cli.js' },
  { entryPoints: ['server/sdk/index.ts'], outfile: 'dist/sdk.js' },
  { entryPoints: ['examples/mcp-server/main.ts'], outfile: 'dist/example-mcp-server.js' },
];
await Promise.all(entries.filter((e) => existsSync(e.entryPoints[0])).map((e) => build({ ...common, ...e })));
if (existsSync('electron/main.ts')) {
  await build({ ...common, format: 'cjs', entryPoints: ['electron/main.ts'], outfile: 'dist/electron/main.cjs', external: ['electron'] });
  await build({ ...common, format: 'cjs', entryPoints: ['electron/preload.ts'], outfile: 'dist/electron/preload.cjs', external: ['electron'] });
}
if (process.env.AUTHPLANE_SKIP_UI !== '1' && existsSync('renderer/index.html')) {
  const { build: viteBuild } = await import('vite');
  await viteBuild({ configFile: 'vite.config.ts', logLevel: 'warn' });
}
