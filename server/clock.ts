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

export const iso = (ms: number): string => new Date(ms).toISOString();
export const epochSeconds = (ms: number): number => Math.floor(ms / 1000);
