/**
 * Zod at the boundary: every adapter (admin API, CLI, seed) and service parses its input here, so
 * a bad value reads the same everywhere: one `invalid_request` naming each bad field.
 */
import type { z } from 'zod';
import { InvalidRequest } from '../errors';

/** `uri: Invalid url; scopes.0.name: Required` */
export function zodMessage(err: z.ZodError): string {
  return err.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

export function parseOrThrow<S extends z.ZodTypeAny>(schema: S, input: unknown): z.infer<S> {
  const r = schema.safeParse(input);
  if (!r.success) throw new InvalidRequest(zodMessage(r.error));
  return r.data;
}
