/** Form validation with the same zod schemas the CLI and the admin API use. */
import { z } from 'zod';

// The strict CSP forbids eval: tell zod not to try its JIT (it would log a CSP violation).
z.config({ jitless: true });

export type FieldErrors = Record<string, string>;

/** Zod issues → { "uri": "…", "scopes.0.name": "…" } (first message per path). */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.join('.') || '_';
    if (!out[key]) out[key] = issue.message;
  }
  return out;
}

export function validate<S extends z.ZodType>(schema: S, input: unknown): { ok: true; data: z.infer<S> } | { ok: false; errors: FieldErrors } {
  const r = schema.safeParse(input);
  return r.success ? { ok: true, data: r.data } : { ok: false, errors: fieldErrors(r.error) };
}

/** "900", "15m", "7d" → seconds; '' → undefined; NaN when malformed. */
export function durationInput(text: string, parse: (t: string) => number | undefined): number | undefined {
  const t = text.trim();
  if (!t) return undefined;
  return parse(t) ?? Number.NaN;
}

export function formatSeconds(s: number | undefined): string {
  if (s === undefined) return '';
  for (const [u, n] of [['d', 86400], ['h', 3600], ['m', 60]] as const) if (s % n === 0) return `${s / n}${u}`;
  return `${s}`;
}

/** Non-empty trimmed lines. */
export const lines = (t: string): string[] => t.split('\n').map((x) => x.trim()).filter(Boolean);
export const words = (t: string): string[] => t.split(/[\s,]+/).map((x) => x.trim()).filter(Boolean);
