/**
 * What a command's start-up loads: the command tree alone must not pull in zod, the server or the
 * store (each costs tens of ms of every CLI call; zod alone ~50 ms). Watched with a module
 * resolve hook in the real bundled CLI, which reports every package it resolves on stderr.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, cliEnv, removeBuild, runCli, tempDir } from './helpers';

const HOOK = `import { writeSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  const pkg = /\\/node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(r.url)?.[1];
  if (pkg) writeSync(2, 'package-loaded ' + pkg + '\\n');
  return r;
}
`;

let cli = '';
let env: NodeJS.ProcessEnv = {};
beforeAll(async () => {
  cli = await buildCli();
  const dir = await tempDir('authplane-startup-');
  await writeFile(join(dir, 'hook.mjs'), HOOK);
  await writeFile(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hook.mjs')).href)});\n`);
  env = cliEnv(dir, { NODE_OPTIONS: `--import=${pathToFileURL(join(dir, 'register.mjs')).href}` });
});
afterAll(async () => {
  if (cli) await removeBuild(cli);
});

const packagesLoaded = async (args: string[]) => {
  const r = await runCli(cli, args, { env });
  expect(r.code).toBe(0);
  return [...new Set([...r.stderr.matchAll(/^package-loaded (\S+)$/gm)].map((m) => m[1]))].sort();
};

describe('CLI start-up', () => {
  it('--version loads commander and nothing else', async () => {
    expect(await packagesLoaded(['--version'])).toEqual(['commander']);
  });

  it("a command's --help loads only that command's tree, without zod", async () => {
    expect(await packagesLoaded(['admin', 'issuance', 'list', '--help'])).toEqual(['commander']);
    expect(await packagesLoaded(['doctor', '--help'])).toEqual(['commander']);
    expect(await packagesLoaded(['connect', '--help'])).toEqual(['commander']);
  });
});
