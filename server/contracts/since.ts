/**
 * `since` as the product spells it (zod-free: the CLI checks --since without loading zod): a Go-style
 * duration back from now (`90m`, `24h`, `7d`, `2w`, `1h30m`) or an RFC 3339 instant. The
 * product's default is 24 h and its maximum 30 days.
 */
export const SINCE_DEFAULT = '24h';
export const SINCE_MAX_MS = 30 * 24 * 3600 * 1000;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };
const DURATION_RE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+$/;
const PART_RE = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g;
const RFC3339_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i;

/** The instant (ms) `since` names at `now`, or an error message naming the accepted forms. */
export function sinceInstant(text: string, now: number): { at: number } | { error: string } {
  const t = text.trim();
  let at: number | undefined;
  if (DURATION_RE.test(t)) {
    let ms = 0;
    for (const m of t.matchAll(PART_RE)) ms += Number(m[1]) * UNIT_MS[m[2]!]!;
    at = now - ms;
  } else if (RFC3339_RE.test(t)) {
    const parsed = Date.parse(t);
    if (Number.isFinite(parsed)) at = parsed;
  }
  if (at === undefined) return { error: `since "${text}": expected a duration like 30m, 24h, 7d, 2w or an RFC 3339 time like 2026-01-02T15:04:05Z` };
  if (now - at > SINCE_MAX_MS) return { error: `since "${text}": at most 30 days back (720h)` };
  return { at };
}
