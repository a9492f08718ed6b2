/**
 * A refresh family as the store sees it: what a row must hold to be indexed, when it is dead,
 * and which token hashes lead to it. Shared by the family index, the token log's family lines
 * and the migration of the old families.jsonl.
 */
import type { RefreshFamily } from './types';

const DAY_MS = 24 * 3600 * 1000;

/** Checks what the store itself relies on (id, hashes, expiry); the domain owns the rest. */
export function asFamily(value: unknown): RefreshFamily {
  const f = value as Partial<RefreshFamily> | null;
  const problem =
    !f || typeof f !== 'object' || Array.isArray(f)
      ? 'is not a JSON object'
      : typeof f.id !== 'string' || f.id === ''
        ? 'has no "id"'
        : typeof f.current?.hash !== 'string'
          ? 'has no "current.hash"'
          : !Array.isArray(f.consumed) || f.consumed.some((h) => typeof h !== 'string')
            ? 'has no "consumed" list of hashes'
            : typeof f.expires_at !== 'string'
              ? 'has no "expires_at"'
              : f.previous !== undefined && typeof f.previous?.hash !== 'string'
                ? 'has a "previous" without "hash"'
                : undefined;
  if (problem) throw new TypeError(`is not a refresh family row (it ${problem})`);
  return f as RefreshFamily;
}

/** Expired, or revoked more than a day ago (kept that long so reuse of its tokens still says "revoked"). */
export function isDeadFamily(f: RefreshFamily, now: number): boolean {
  return isDead(Date.parse(f.expires_at), f.revoked_at === undefined ? NaN : Date.parse(f.revoked_at), now);
}

/** isDeadFamily on the times alone (ms; NaN: not revoked), as the family index keeps them. */
export function isDead(expiresAt: number, revokedAt: number, now: number): boolean {
  return expiresAt < now || revokedAt < now - DAY_MS;
}

/** Every hash presenting which finds this family: current, previous and the consumed ones. */
export function familyTokenHashes(f: RefreshFamily): string[] {
  const out = [f.current.hash, ...f.consumed];
  if (f.previous) out.push(f.previous.hash);
  return out;
}
