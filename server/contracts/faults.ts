/**
 * Faults on demand: make one of AuthPlane's endpoints fail (or stall) on purpose, to test a
 * client's or an MCP server's error and retry paths. Shared by the admin API, the CLI and the
 * window. Faults live in the server's memory only: they are never persisted.
 */
import { z } from 'zod';
import { GrantType, IsoTime } from './common';
import { FAULT_ENDPOINTS, MAX_FAULT_DELAY_MS } from './enums';

export { FAULT_ENDPOINTS, MAX_FAULT_DELAY_MS };
export { describeFault } from './faultSummary';

export const FaultEndpoint = z.enum(FAULT_ENDPOINTS);
export type FaultEndpoint = z.infer<typeof FaultEndpoint>;

/** The longest a fault may stay armed by duration: a forgotten fault must not break a day's work. */
export const MAX_FAULT_FOR_S = 24 * 3600;

/** The endpoints whose requests name their client (a fault may be narrowed to it). */
const CLIENT_ENDPOINTS: readonly FaultEndpoint[] = ['authorize', 'token', 'revoke', 'introspect'];

// RFC 6749 §5.2: error codes are %x20-21 / %x23-5B / %x5D-7E (no `"` or `\`); descriptions likewise.
const ERROR_CHARS = /^[\x20\x21\x23-\x5b\x5d-\x7e]+$/;

export const FaultInput = z
  .strictObject({
    endpoint: FaultEndpoint,
    /** Only requests with this grant_type (token endpoint only). */
    grant_type: GrantType.optional(),
    /** Only requests from this client. */
    client_id: z.string().min(1).max(512).optional(),
    /** Answer with this OAuth error... */
    error: z.string().min(1).max(64).regex(ERROR_CHARS, 'must be an OAuth error code (printable ASCII without " or \\)').optional(),
    error_description: z.string().min(1).max(512).regex(ERROR_CHARS, 'must be printable ASCII without " or \\').optional(),
    /** ...or with this HTTP status... */
    status: z.number().int().min(400).max(599).optional(),
    /** ...or let the request through after this many milliseconds. */
    delay_ms: z.number().int().min(1).max(MAX_FAULT_DELAY_MS).optional(),
    /** Fire for the next N matching requests (default 1; unlimited when only `for_seconds` is given). */
    count: z.number().int().min(1).max(1_000_000).optional(),
    /** Stay armed for this many seconds. */
    for_seconds: z.number().int().min(1).max(MAX_FAULT_FOR_S).optional(),
  })
  .superRefine((f, ctx) => {
    const actions = [f.error !== undefined, f.status !== undefined, f.delay_ms !== undefined].filter(Boolean).length;
    if (actions !== 1) ctx.addIssue({ code: 'custom', message: 'give exactly one of error, status or delay_ms' });
    if (f.error_description !== undefined && f.error === undefined) ctx.addIssue({ code: 'custom', path: ['error_description'], message: 'only with error' });
    if (f.grant_type !== undefined && f.endpoint !== 'token') ctx.addIssue({ code: 'custom', path: ['grant_type'], message: 'only for the token endpoint' });
    if (f.client_id !== undefined && !CLIENT_ENDPOINTS.includes(f.endpoint)) ctx.addIssue({ code: 'custom', path: ['client_id'], message: `the ${f.endpoint} endpoint does not know the client` });
  });
export type FaultInput = z.infer<typeof FaultInput>;

export const Fault = z.object({
  id: z.string(),
  endpoint: FaultEndpoint,
  grant_type: GrantType.optional(),
  client_id: z.string().optional(),
  error: z.string().optional(),
  error_description: z.string().optional(),
  status: z.number().int().optional(),
  delay_ms: z.number().int().optional(),
  /** Firings left; null when only the duration limits it. */
  remaining: z.number().int().nullable(),
  /** When it disarms by itself, if armed for a duration. */
  expires_at: IsoTime.nullable(),
  armed_at: IsoTime,
  fired: z.number().int(),
});
export type Fault = z.infer<typeof Fault>;

export const FaultDisarmReason = z.enum(['used', 'expired', 'cleared']);
export type FaultDisarmReason = z.infer<typeof FaultDisarmReason>;
