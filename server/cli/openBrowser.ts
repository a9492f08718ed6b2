/** Best effort: the platform's URL opener, detached; failure only prints a hint. */
import { spawn } from 'node:child_process';
import { processOut } from './output';

export function openBrowser(url: string): void {
  const [cmd, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args as string[], { stdio: 'ignore', detached: true });
    child.on('error', () => processOut.stderr(`could not open a browser; visit ${url}`));
    child.unref();
  } catch {
    processOut.stderr(`could not open a browser; visit ${url}`);
  }
}
