/** Random identifiers and hashes. Secrets are 256-bit; what is stored is only their SHA-256. */
import { hash, randomBytes, randomFillSync, timingSafeEqual } from 'node:crypto';

// Ids and tokens are cut from a pooled CSPRNG buffer: one randomFillSync per 4 KiB instead of
// one randomBytes call per value (each costs ~3-10 µs under OpenSSL 3; a token flow needs six).
// Every byte is used once; nothing keeps a reference to the pool.
const POOL = Buffer.allocUnsafe(4096);
let poolAt = POOL.length;
function randomString(bytes: number): string {
  if (bytes > 256) return randomBytes(bytes).toString('base64url');
  if (poolAt + bytes > POOL.length) {
    randomFillSync(POOL);
    poolAt = 0;
  }
  const s = POOL.toString('base64url', poolAt, poolAt + bytes);
  poolAt += bytes;
  return s;
}

export const randomToken = (bytes = 32): string => randomString(bytes);
/**
 * 22-char ids (128 bits), as the product uses for client ids, jti and kid. Never starting with
 * "-": ids are pasted into command lines, where a leading "-" reads as a flag (1 draw in 64 retries).
 */
export function randomId(): string {
  for (;;) {
    const id = randomString(16);
    if (id[0] !== '-') return id;
  }
}
// crypto.hash: the one-shot digest, about half the cost of createHash().update().digest().
export const sha256hex = (s: string): string => hash('sha256', s, 'hex');
export const sha256b64url = (s: string): string => hash('sha256', s, 'base64url');

/** Constant-time string comparison (length leaks, contents do not). */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  if (ab.length !== bb.length) {
    timingSafeEqual(ab, ab);
    return false;
  }
  return timingSafeEqual(ab, bb);
}
