/**
 * The suite runs on a supported Node line only (package.json `engines`, a `>=X.Y` range): on an
 * older one some tests would fail for reasons that have nothing to do with AuthPlane (the
 * conformance suite needs Node 22's fs.globSync), so say it once, up front, with the fix.
 */
import { readFileSync } from 'node:fs';

const parts = (v: string) => v.split('.').map((n) => Number(n) || 0);

export default function checkNode(): void {
  const { engines } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { engines: { node: string } };
  const min = /^>=\s*(\d+(?:\.\d+){0,2})$/.exec(engines.node.trim());
  if (!min) throw new Error(`package.json engines.node must be a ">=X.Y" range, got "${engines.node}"`);
  const [want, have] = [parts(min[1]!), parts(process.versions.node)];
  const cmp = have.map((n, i) => n - (want[i] ?? 0)).find((d) => d !== 0) ?? 0;
  if (cmp >= 0) return;
  throw new Error(
    `the test suite needs Node ${engines.node} (package.json engines); this is Node ${process.versions.node}. ` +
      `Run it on a supported line: PATH="$(node scripts/node-line.mjs ${want[0]}):$PATH" npm test`,
  );
}
