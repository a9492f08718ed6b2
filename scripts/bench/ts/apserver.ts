/**
 * AuthPlane for the benchmark when a setting the CLI does not expose is needed (durability
 * `os`): the same startServer() `authserver serve --consent auto` calls. Prints the issuer URL
 * as its first stdout line, like `serve`.
 *   node apserver.mjs <data-dir> <fsync|os> [seed.yaml]
 */
import { startServer } from '../../../server/app';
import { createLogger } from '../../../server/log';

const [dataDir, durability = 'fsync', seedFile] = process.argv.slice(2);
if (!dataDir || (durability !== 'fsync' && durability !== 'os')) {
  process.stderr.write('usage: apserver.mjs <data-dir> <fsync|os> [seed.yaml]\n');
  process.exit(2);
}
const server = await startServer({ dataDir, port: 0, consent: 'auto', durability, seedFile, log: createLogger({ level: 'warn' }) });
process.stdout.write(`${server.issuer}\n`);
const stop = () => {
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
