/**
 * Browser-safe building blocks shared by every contract. No `node:` imports anywhere under
 * server/contracts: the renderer bundles these files.
 */
import { GRANT_TYPES } from './enums';
import { z } from 'zod';

/**
 * A JWT `aud` as a list. AuthPlane, like the product, writes a one-element array; RFC 7519 also
 * allows a single string, which tokens from elsewhere (and older AuthPlane tokens) carry.
 */
export function audiences(aud: unknown): string[] {
  if (typeof aud === 'string') return [aud];
  return Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];
}

/** ISO 8601 UTC timestamp, as stored everywhere (`2026-11-26T18:52:37.000Z`). */
export const IsoTime = z.string().datetime({ offset: false });

export const SLUG_RE = /^[a-z0-9][a-z0-9-]{0,63}$/;
export const Slug = z
  .string()
  .regex(SLUG_RE, 'slug must match ^[a-z0-9][a-z0-9-]{0,63}$ (lowercase letters, digits and dashes)');

/** A scope name as RFC 6749 §3.3 allows it: printable ASCII without space, quote or backslash. */
export const ScopeName = z
  .string()
  .min(1, 'scope name must not be empty')
  .max(128)
  .regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, 'scope name must be printable ASCII without spaces, quotes or backslashes');

export const ScopeDef = z.object({
  name: ScopeName,
  description: z.string().max(500).optional(),
  /** Broker-only in the product; kept so seeds from the product load unchanged. */
  upstream: z.string().max(200).optional(),
});
export type ScopeDef = z.infer<typeof ScopeDef>;

export const SigningAlg = z.enum(['ES256', 'RS256']);
export type SigningAlg = z.infer<typeof SigningAlg>;

export const GrantType = z.enum(GRANT_TYPES);
export type GrantType = z.infer<typeof GrantType>;

export const AuthMethod = z.enum(['none', 'client_secret_basic', 'client_secret_post']);
export type AuthMethod = z.infer<typeof AuthMethod>;

/** Durations are whole seconds on the wire; the CLI also accepts `15m`, `7d`, ... */
export const Seconds = z.number().int().positive().max(10 * 365 * 24 * 3600);

export { parseDuration } from './duration';

export function absoluteHttpUrl(message: string) {
  return z.string().max(2048).refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.host !== '' && u.hash === '' && !v.includes('#');
    } catch {
      return false;
    }
  }, message);
}
