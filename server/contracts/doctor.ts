/**
 * `authserver doctor` / the desktop window's "Check my MCP server" (the doctor panel): the report of walking what
 * an MCP client does against an MCP server protected by AuthPlane. Browser-safe (zod only).
 */
import { z } from 'zod';
import { FlowExchange } from './flows';
import { MCP_PROTOCOLS, NOT_A_PROTOCOL } from './mcpProtocol';

/** An MCP protocol revision (the doctor request's `protocol`). */
const McpProtocol = z.enum(MCP_PROTOCOLS, { error: NOT_A_PROTOCOL });

/** pass ✓ · fail ✗ (exit code 1) · warn ! (works, but some clients will struggle) · skip - (an earlier step failed). */
export const DoctorStepStatus = z.enum(['pass', 'fail', 'warn', 'skip']);
export type DoctorStepStatus = z.infer<typeof DoctorStepStatus>;

/** The steps, in walk order. */
export const DoctorStepId = z.enum([
  'authplane',
  'unauthenticated',
  'challenge',
  'prm',
  'prm_resource_url',
  'resource_registered',
  'authorization_servers',
  'scopes',
  'as_metadata',
  'jwks',
  'token',
  'call_with_token',
  'protocol',
  'wrong_audience',
  'expired',
  /** Only for a gateway (a resource that fronts others): appended after the walk. */
  'gateway_exchange',
]);
export type DoctorStepId = z.infer<typeof DoctorStepId>;

export const DoctorStep = z.object({
  id: DoctorStepId,
  /** What is being checked, phrased as the expectation ("MCP server answers 401 without a token"). */
  title: z.string(),
  status: DoctorStepStatus,
  /** What was observed; for a failure, the problem in one sentence with the exact values. */
  detail: z.string(),
  /** What to change, when status is fail or warn. */
  fix: z.string().optional(),
  /** The two strings a byte-for-byte step compared, when they differ (the window marks the differing characters). */
  compared: z.object({ label: z.string(), expected: z.string(), actual: z.string() }).optional(),
  duration_ms: z.number().int().nonnegative(),
  /**
   * The HTTP round trip the step is about (the 401, the PRM, the metadata, the token request, the
   * call with a token…), secrets masked; absent for steps that only compare what earlier ones read.
   */
  exchange: FlowExchange.optional(),
  /** That round trip as a `curl` command (masked like the exchange). */
  curl: z.string().optional(),
});
export type DoctorStep = z.infer<typeof DoctorStep>;

export const DoctorReport = z.object({
  /** True when no step failed (warnings allowed). */
  ok: z.boolean(),
  mcp_url: z.string(),
  /** AuthPlane's issuer, when it was found. */
  issuer: z.string().nullable(),
  /** The MCP revision checked against: `--protocol`, or the newest one the server speaks. */
  protocol: McpProtocol.optional(),
  /** The revisions the MCP server answered with a valid token, when the walk got that far. */
  mcp_protocols: z.array(McpProtocol).nullable().optional(),
  /** The PRM URL that was read, when one was found. */
  prm_url: z.string().nullable(),
  /** The registered resource the MCP server corresponds to, when one was found. */
  resource: z.object({ slug: z.string(), uri: z.string() }).nullable(),
  steps: z.array(DoctorStep),
  summary: z.object({ pass: z.number().int(), fail: z.number().int(), warn: z.number().int(), skip: z.number().int() }),
  started_at: z.string(),
  duration_ms: z.number().int().nonnegative(),
});
export type DoctorReport = z.infer<typeof DoctorReport>;

/**
 * Body of `POST /admin/api/doctor` (the window's "Check my MCP server"): the endpoint, and the
 * revision to require like `authserver doctor --protocol` (absent: whichever the server speaks).
 */
export const DoctorRunInput = z.object({
  mcp_url: z.string().min(1, 'mcp_url is required').max(2048),
  protocol: McpProtocol.optional(),
});
export type DoctorRunInput = z.infer<typeof DoctorRunInput>;

/** Body of `POST /admin/api/tokens/mint-test` (test-only tokens a correct MCP server must refuse). */
export const MintTestTokenInput = z
  .object({
    /** Slug or URI of a registered resource. */
    resource: z.string().min(1),
    /** `expired`: exp an hour ago. `wrong_audience`: aud is a URI no registered resource has. */
    kind: z.enum(['expired', 'wrong_audience']),
    /** Recorded as the token's client_id (default `authplane-doctor`). */
    client_id: z.string().min(1).max(255).optional(),
  })
  .strict();
export type MintTestTokenInput = z.infer<typeof MintTestTokenInput>;

export const MintTestTokenResult = z.object({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  kind: z.enum(['expired', 'wrong_audience']),
  aud: z.string(),
  /** Epoch seconds. */
  exp: z.number().int(),
  test_only: z.literal(true),
});
export type MintTestTokenResult = z.infer<typeof MintTestTokenResult>;
