/**
 * The query string of every admin route, strict: a parameter a route does not know is refused
 * (naming the ones it accepts), never silently ignored. The REST routes, the CLI's offline paths
 * and the renderer share these. Values arrive as single strings (duplicates are refused earlier).
 */
import { z } from 'zod';
import { GrantType } from './common';
import { IssuanceState } from './issuances';
import { sinceInstant } from './since';

const Since = z.string().refine((v) => !('error' in sinceInstant(v, Date.now())), {
  error: (iss) => {
    const r = sinceInstant(String(iss.input), Date.now());
    return 'error' in r ? r.error : 'since is not valid';
  },
});
export const Bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const intRange = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, `expected an integer from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

/** `user` is the product's name for the subject; `sub` is Desktop's. Both name the same filter. */
function subjectAlias<T extends { sub?: string; user?: string }>(q: T, ctx: z.RefinementCtx): Omit<T, 'user'> {
  const { user, ...rest } = q;
  if (user !== undefined && rest.sub !== undefined && user !== rest.sub) {
    ctx.addIssue({ code: 'custom', message: 'user and sub name the same filter: pass one of them' });
    return z.NEVER;
  }
  return { ...rest, sub: rest.sub ?? user } as Omit<T, 'user'>;
}

export const IssuanceListQuery = z
  .strictObject({
    resource: z.string().min(1).optional(),
    client: z.string().min(1).optional(),
    sub: z.string().min(1).optional(),
    user: z.string().min(1).optional(),
    grant: GrantType.optional(),
    jti: z.string().min(1).optional(),
    state: IssuanceState.optional(),
    since: Since.optional(),
    limit: intRange(1, 5000).default(50),
    cursor: z.string().min(1).optional(),
  })
  .transform(subjectAlias);
export type IssuanceListQuery = z.output<typeof IssuanceListQuery>;

export const ActivityQuery = z.strictObject({
  limit: intRange(1, 2000).default(200),
  client_id: z.string().min(1).optional(),
  problems: Bool.optional(),
});

export const ConsentListQuery = z
  .strictObject({
    sub: z.string().min(1).optional(),
    user: z.string().min(1).optional(),
    client_id: z.string().min(1).optional(),
    resource: z.string().min(1).optional(),
    include_revoked: Bool.optional(),
  })
  .transform(subjectAlias);

export const SeedQuery = z.strictObject({ file: z.string().min(1).max(1024).optional(), update: Bool.optional() });

export const AuditListQuery = z
  .strictObject({
    type: z.string().min(1).optional(),
    sub: z.string().min(1).optional(),
    user: z.string().min(1).optional(),
    client: z.string().min(1).optional(),
    resource: z.string().min(1).optional(),
    since: Since.optional(),
    until: Since.optional(),
    limit: intRange(1, 5000).default(200),
  })
  .transform(subjectAlias);
export type AuditListQuery = z.output<typeof AuditListQuery>;

/** Routes that take no query parameters at all. */
export const NoQuery = z.strictObject({});

/** The parameter names a strict query schema accepts (for the error that names them). */
export function acceptedParams(schema: z.ZodType): string[] {
  let s: z.ZodType = schema;
  // Unwrap `.transform()` (a pipe whose input is the object).
  while (s instanceof z.ZodPipe) s = s.in as z.ZodType;
  return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}

/** Names the first unknown parameter and the accepted ones; undefined when every name is known. */
export function unknownParamMessage(schema: z.ZodType, params: Record<string, unknown>, what = 'query parameter'): string | undefined {
  const accepted = acceptedParams(schema);
  const unknown = Object.keys(params).filter((k) => !accepted.includes(k));
  if (unknown.length === 0) return undefined;
  const names = unknown.map((k) => `"${k}"`).join(', ');
  return accepted.length === 0
    ? `unknown ${what}${unknown.length > 1 ? 's' : ''} ${names}: this route takes none`
    : `unknown ${what}${unknown.length > 1 ? 's' : ''} ${names}; accepted: ${accepted.join(', ')}`;
}
