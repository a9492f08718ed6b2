/** Durations as users type them (zod-free: the CLI parses flags with it before loading zod). */

/** Parses `90`, `90s`, `15m`, `2h`, `7d` into seconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+)\s*(s|m|h|d)?$/.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[(m[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
  return n * unit;
}

/** The longest refresh grace (config `refreshGrace`, `serve --refresh-grace`): 5 minutes. */
export const MAX_REFRESH_GRACE_S = 300;
