/** Dates as people read them: local time, and relative ("expires in 12 min", "3 h ago"). */
const dateFmt = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const dayFmt = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

export function localDate(ms: number): string {
  return Number.isFinite(ms) ? dateFmt.format(ms) : 'invalid date';
}

/** Compact time for dense tables: today → 14:03:12, otherwise Nov 26, 14:03. */
export function shortDate(ms: number, now = Date.now()): string {
  if (!Number.isFinite(ms)) return '—';
  const d = new Date(ms);
  const n = new Date(now);
  return d.toDateString() === n.toDateString() ? timeFmt.format(ms) : dayFmt.format(ms);
}

const UNITS: Array<[number, string]> = [
  [86400_000 * 365, 'y'],
  [86400_000 * 30, 'mo'],
  [86400_000, 'd'],
  [3600_000, 'h'],
  [60_000, 'min'],
  [1000, 's'],
];

/** "12 min", "3 h", "45 s" (rounded down to the largest unit, two units when useful). */
export function duration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 1000) return 'less than a second';
  for (let k = 0; k < UNITS.length; k++) {
    const [size, unit] = UNITS[k]!;
    if (abs >= size) {
      const n = Math.floor(abs / size);
      const next = UNITS[k + 1];
      const rest = next && (unit === 'h' || unit === 'd') ? Math.floor((abs - n * size) / next[0]) : 0;
      return rest ? `${n} ${unit} ${rest} ${next![1]}` : `${n} ${unit}`;
    }
  }
  return `${Math.round(abs / 1000)} s`;
}

/**
 * When something happened: "3 h ago". A moment the server stamped a little ahead of this
 * window's clock (or of a `now` that ticks only every few seconds) is "just now", never "in 3 s".
 */
export function ago(ms: number, now = Date.now()): string {
  if (!Number.isFinite(ms)) return '';
  const d = now - ms;
  return d < 1000 ? 'just now' : `${duration(d)} ago`;
}

/** A moment that may lie ahead (an expiry, a not-before): "in 12 min" / "3 h ago". */
export function relative(ms: number, now = Date.now()): string {
  if (!Number.isFinite(ms)) return '';
  const d = ms - now;
  if (Math.abs(d) < 1000) return 'just now';
  return d > 0 ? `in ${duration(d)}` : `${duration(d)} ago`;
}
