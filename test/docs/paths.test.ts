/** Project docs name repository paths only: a path of the machine they were written on means nothing to a reader. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DOCS = [...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`), 'README.md', 'SECURITY.md', 'BENCHMARKS.md'];
// Home and workspace roots of Linux, macOS and Windows; /tmp/… in an example is fine.
const MACHINE_PATH = /(?<![\w.~-])(\/work\/|\/home\/|\/root\/|\/Users\/|[A-Z]:\\Users\\)\S*/g;

describe('docs name no machine paths', () => {
  it.each(DOCS)('%s', (file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const hits = text.split('\n').flatMap((line, i) => [...line.matchAll(MACHINE_PATH)].map((m) => `${file}:${i + 1}: ${m[0]}`));
    expect(hits).toEqual([]);
  });
});
