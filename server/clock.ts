/** Time is a dependency so tests can pin it instead of monkey-patching Date. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock tests can move by hand. */
export function fixedClock(start: number | string | Date): Clock & { advance(ms: number): void; set(t: number): void } {
  let t = typeof start === 'number' ? start : new Date(start).getTime();
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
    set: (v: number) => {
      t = v;
    },
  };
}

// A token's few instants (issued, expires, now, the refresh expiry) are formatted again and again
// for its rows, events and log lines: a small ring of remembered values skips most of the work.
const ISO_SLOTS = 4;
const isoMs: number[] = new Array(ISO_SLOTS).fill(NaN);
const isoText: string[] = new Array(ISO_SLOTS).fill('');
let isoNext = 0;
export const iso = (ms: number): string => {
  for (let i = 0; i < ISO_SLOTS; i++) if (isoMs[i] === ms) return isoText[i]!;
  const text = new Date(ms).toISOString();
  isoMs[isoNext] = ms;
  isoText[isoNext] = text;
  isoNext = (isoNext + 1) % ISO_SLOTS;
  return text;
};
export const epochSeconds = (ms: number): number => Math.floor(ms / 1000);
