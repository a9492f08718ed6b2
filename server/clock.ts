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

// A token's timestamps repeat (issued_at/expires_at, the events and log lines of one request):
// two remembered values skip most Date allocations and formatting on the hot path.
let isoA = NaN;
let isoAText = '';
let isoB = NaN;
let isoBText = '';
export const iso = (ms: number): string => {
  if (ms === isoA) return isoAText;
  if (ms === isoB) return isoBText;
  isoB = isoA;
  isoBText = isoAText;
  isoA = ms;
  isoAText = new Date(ms).toISOString();
  return isoAText;
};
export const epochSeconds = (ms: number): number => Math.floor(ms / 1000);
