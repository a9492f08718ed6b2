/** The package version (CLI banner, status API, doctor's MCP handshake), inlined by the bundler: no file read at run time. */
import pkg from '../package.json';

export const VERSION: string = pkg.version;
