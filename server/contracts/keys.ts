/** Signing keys as the admin surface shows them (never the private part). */
import { z } from 'zod';
import { IsoTime, SigningAlg } from './common';

export const KeyView = z.object({
  kid: z.string(),
  alg: SigningAlg,
  status: z.enum(['current', 'previous']),
  created_at: IsoTime,
  /** When the key leaves the JWKS: the last token it signed has expired (set once it is no longer current). */
  retire_after: IsoTime.optional(),
  public_jwk: z.record(z.string(), z.unknown()),
});
export type KeyView = z.infer<typeof KeyView>;
