/**
 * How a command that runs until stopped (`serve`, `demo`) learns to stop: SIGTERM or SIGINT asks
 * for a clean shutdown; a second one exits 1 at once. Listening starts before the command starts
 * its servers, so a signal that arrives while starting stops them right after.
 */
import type { Out } from './output';

/** Resolves on the first SIGTERM/SIGINT; `command` names who speaks on a second one. */
export function untilStopSignal(command: string, out: Out): Promise<NodeJS.Signals> {
  let stopping = false;
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        out.stderr(`${command}: ${signal} again, exiting without a clean shutdown`);
        process.exit(1);
      }
      stopping = true;
      resolve(signal);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}
