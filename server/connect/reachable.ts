/**
 * Waits until something listens at the MCP server's address. A quick start that runs
 * `example-server &` and then `connect` at once must not fail on the server's start-up time.
 */
import { connect as tcpConnect } from 'node:net';
import { ConnectError } from './errors';

function tryOnce(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const sock = tcpConnect({ host, port });
    sock.once('connect', () => {
      sock.destroy();
      resolve(undefined);
    });
    sock.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

export async function waitReachable(mcpUrl: string, timeoutMs = 10_000): Promise<void> {
  let u: URL;
  try {
    u = new URL(mcpUrl);
  } catch {
    throw new ConnectError(`"${mcpUrl}" is not a URL; expected the MCP endpoint, e.g. http://127.0.0.1:3001/mcp`);
  }
  const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const err = await tryOnce(host, port);
    if (!err) return;
    // Only "nothing listens yet" is worth waiting for; a bad host name fails at once.
    if (err !== 'ECONNREFUSED' || Date.now() > deadline) throw new ConnectError(`cannot reach the MCP server at ${u.host} (${err}); is it running?`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
