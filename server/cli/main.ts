/**
 * Entry point of the `authserver` CLI (bundled to dist/cli.js). Exit codes: 0 success, 1 the
 * operation failed, 2 the command line was wrong.
 */
export {};

function exit(code: number): void {
  // Let stdout/stderr drain (pipes can be asynchronous) before exiting.
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

await run();

async function run(): Promise<void> {
  const [{ CommanderError }, { buildProgram }] = await Promise.all([import('commander'), import('./program')]);
  try {
    await (await buildProgram(process.argv.slice(2))).parseAsync(process.argv);
    exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help / --version / `help` exit 0; anything else commander rejects is a usage error.
      exit(err.exitCode === 0 ? 0 : 2);
    } else {
      process.stderr.write(`authserver: ${err instanceof Error ? err.message : String(err)}\n`);
      exit(1);
    }
  }
}
