/** Files on disk as a test inspects them. */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Every file below `dir` (sub-directories walked, their entries listed, not themselves). */
export async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else out.push(p);
  }
  return out;
}
