/**
 * A port for a program that must be told its port up front (it cannot listen on 0 and tell us).
 * Chosen below the kernel's ephemeral range (32768+ on Linux, 49152+ elsewhere), which listen(0)
 * and outgoing connections draw from: a port handed out by listen(0) and closed again could be
 * taken by another test before the program binds it (seen once on a busy CI machine).
 */
import { createServer } from 'node:net';

const LOW = 20_000;
const SPAN = 12_000;

export async function freePort(): Promise<number> {
  for (;;) {
    const port = LOW + Math.floor(Math.random() * SPAN);
    const free = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (free) return port;
  }
}
