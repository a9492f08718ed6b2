/**
 * Test tokens (`POST /admin/api/tokens`, `authserver admin token mint`, the window's test-token
 * panel): a real at+jwt for a registered resource with one or more things deliberately chosen,
 * so an MCP server's refusal paths can be exercised. Not grants: no issuance row, no refresh
 * family. Browser-safe (zod only).
 */
import { z } from 'zod';
import { Seconds } from './common';

export const MAX_TEST_TOKEN_TTL_S = 86_400;

/** Claims the minter sets itself; each has its own field, so `claims` may not name them. */
export const MINTER_CLAIMS = ['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'scope', 'client_id'] as const;

/** The field (and CLI flag) that sets each claim, for the refusal message. */
const FIELD_FOR: Record<string, string> = {
  sub: 'sub (--sub)',
  aud: 'aud (--aud)',
  exp: 'expires_in or expired (--expires-in, --expired)',
  nbf: 'not_before (--not-before)',
  scope: 'scope (--scope)',
  client_id: 'client_id (--client-id)',
};

export const MintTokenInput = z
  .object({
    /** Slug or URI of a registered resource: its key algorithm, default audience, scopes and lifetime. */
    resource: z.string().min(1).max(2000),
    /** Subject (default: the server's default user). */
    sub: z.string().min(1).max(255).optional(),
    /** Space-separated scopes, exactly as the token carries them (default: every scope of the resource; "" for none). */
    scope: z.string().max(2000).optional(),
    client_id: z.string().min(1).max(255).optional(),
    /**
     * Lifetime in seconds (default: the resource's access_token_ttl, else the server's). At most
     * a day, as the server's own lifetime: a test token cannot be revoked.
     */
    expires_in: z.number().int().positive().max(MAX_TEST_TOKEN_TTL_S, 'at most 86400 seconds (a day): a test token cannot be revoked').optional(),
    /** `exp` one hour ago: the token has expired. */
    expired: z.boolean().optional(),
    /** `nbf` this many seconds from now: the token is not yet valid. */
    not_before: Seconds.optional(),
    /** Audience instead of the resource's URI (a token minted for another MCP server). */
    aud: z.string().min(1).max(2000).optional(),
    /** Sign with a fresh key that is never published in the JWKS and never stored. */
    unknown_key: z.boolean().optional(),
    /** Extra claims, added to the payload as given. */
    claims: z.record(z.string().min(1).max(255), z.unknown()).optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.expired && v.not_before !== undefined) ctx.addIssue({ code: 'custom', path: ['not_before'], message: 'a token cannot be both expired and not yet valid: pass expired or not_before' });
    for (const name of Object.keys(v.claims ?? {})) {
      if ((MINTER_CLAIMS as readonly string[]).includes(name)) {
        const field = FIELD_FOR[name];
        ctx.addIssue({ code: 'custom', path: ['claims', name], message: field ? `"${name}" is set by the minter: use ${field} instead` : `"${name}" is set by the minter and cannot be overridden` });
      }
    }
  });
export type MintTokenInput = z.infer<typeof MintTokenInput>;

export const MintTokenResult = z.object({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  /** The `kid` in the header: AuthPlane's current key, or the unpublished one. */
  kid: z.string(),
  aud: z.string(),
  scope: z.string(),
  /** Epoch seconds. */
  iat: z.number().int(),
  nbf: z.number().int(),
  exp: z.number().int(),
  unknown_key: z.boolean(),
  test_only: z.literal(true),
});
export type MintTokenResult = z.infer<typeof MintTokenResult>;
