/** The request log: every request that reached the authorization server, with outcome and warnings. */
import { z } from 'zod';
import { IsoTime } from './common';

export const WarningCode = z.enum([
  'resource_normalized',
  'resource_missing',
  'resource_slug',
  'unknown_scope',
  'scope_missing',
  'pkce_failure',
  'redirect_mismatch',
  'client_unknown',
  'dcr_grant_types_narrowed',
  'dcr_scope_ignored',
  'dcr_auth_method_defaulted',
  'auto_consent_refused',
]);
export type WarningCode = z.infer<typeof WarningCode>;

export const ActivityEntry = z.object({
  id: z.string(),
  at: IsoTime,
  method: z.string(),
  path: z.string(),
  status: z.number().int(),
  duration_ms: z.number(),
  client_id: z.string().optional(),
  /** OAuth error code when the request failed. */
  error: z.string().optional(),
  error_description: z.string().optional(),
  warnings: z.array(z.object({ code: WarningCode, message: z.string() })),
});
export type ActivityEntry = z.infer<typeof ActivityEntry>;
