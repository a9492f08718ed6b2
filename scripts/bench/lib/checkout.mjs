// One `authserver serve` per checkout, each built by its own scripts/bench/lib, for the scripts
// that compare builds side by side (paired.mjs, gc.mjs, alloc.mjs). An argument is `label=path`;
// a label ending in "-off" serves with --no-flows.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Builds the checkout and starts its server on a fresh data dir. */
export async function startCheckout(arg, { nodeArgs = [] } = {}) {
  const [label, rel] = arg.split('=');
  if (!label || !rel) throw new Error(`expected label=path, got "${arg}"`);
  const dir = path.resolve(rel);
  const lib = (f) => import(path.join(dir, 'scripts/bench/lib', f));
  const { buildBench } = await lib('build.mjs');
  const { startAuthPlane } = await lib('servers.mjs');
  const b = await buildBench();
  const dataDir = mkdtempSync(path.join(tmpdir(), `bench-${label}-`));
  const srv = await startAuthPlane(b.cli, dataDir, { nodeArgs, ...(label.endsWith('-off') ? { serveArgs: ['--no-flows'] } : {}) });
  return { label, srv, dataDir, removeData: () => rmSync(dataDir, { recursive: true, force: true }) };
}
