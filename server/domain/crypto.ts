/** Random identifiers and hashes. Secrets are 256-bit; what is stored is only their SHA-256. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');
/** 22-char ids (128 bits), as the product uses for client ids, jti and kid. */
export const randomId = (): string => randomBytes(16).toString('base64url');
export const sha256hex = (s: string): string => createHash('sha256').update(s).digest('hex');
export const sha256b64url = (s: string): string => createHash('sha256').update(s).digest('base64url');

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
